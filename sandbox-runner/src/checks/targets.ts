/**
 * Builds each named `--target` of the learner's Dockerfile, runs it in the same locked-down
 * container as `container-output`, and tabulates the results: the same program on several bases.
 * A target that does not build, run, print what it should or fit its budget fails the check.
 */
import type { CheckDetail, CheckSpecOf } from "../../../lib/checks";
import type { DockerfileModel } from "../../../lib/dockerfile/index";
import { formatBytes } from "../../../lib/report";
import { runContainer, type ContainerRunResult } from "../container-run";
import { SANDBOX_LIMITS } from "../limits";
import { quoteOutput } from "./output-text";
import type { CheckContext, CheckFn, CheckOutcome, VariantBuild } from "./types";
import { fail, pass, requireVariants } from "./types";

type TargetSpec = CheckSpecOf<"targets">["targets"][number];

/** One target's fate; `problem` is null when it built, ran, printed and fit. */
export type TargetResult = { spec: TargetSpec; base: string; sizeBytes: number | null; ran: string; problem: string | null };

export const targets: CheckFn<"targets"> = async (ctx, spec) => {
  const results: TargetResult[] = [];
  for (const target of spec.targets) {
    const built = await requireVariants(ctx).build({ label: `target ${target.target} (${target.label})`, target: target.target });
    const run = built.ok && built.imageRef ? await runTarget(ctx, built.imageRef, spec.cmd) : null;
    results.push(judgeTarget(target, baseOf(ctx.model, target.target), built, run, spec.stdoutIncludes));
  }
  return judgeTargets(results);
};

function runTarget(ctx: CheckContext, image: string, cmd: string[] | undefined): Promise<ContainerRunResult> {
  return runContainer(ctx.docker, image, { ...(cmd && { cmd }), timeoutMs: SANDBOX_LIMITS.container.defaultTimeoutMs });
}

export function judgeTarget(
  spec: TargetSpec,
  base: string,
  built: VariantBuild,
  run: ContainerRunResult | null,
  stdoutIncludes: readonly string[],
): TargetResult {
  const result = { spec, base, sizeBytes: built.sizeBytes };
  if (!built.ok) return { ...result, ran: "did not build", problem: `did not build: ${firstLine(built.message)}` };
  const ranProblem = run ? runProblem(run, stdoutIncludes) : { short: "not run", long: "was not run" };
  const tooBig = spec.maxBytes !== undefined && built.sizeBytes !== null && built.sizeBytes > spec.maxBytes;
  const sizeProblem = tooBig ? `is ${formatBytes(built.sizeBytes ?? 0)}, over its ${formatBytes(spec.maxBytes ?? 0)} budget` : null;
  const problem = [ranProblem?.long, sizeProblem].filter(Boolean).join(" and ") || null;
  return { ...result, ran: ranProblem ? `no: ${ranProblem.short}` : "yes", problem };
}

/** What went wrong when running a target: a few words for the table, the details for the message. */
function runProblem(run: ContainerRunResult, stdoutIncludes: readonly string[]): { short: string; long: string } | null {
  if (run.startError) return { short: "did not start", long: `did not start (${run.startError})` };
  if (run.oomKilled) {
    return { short: "out of memory", long: `was killed for using more than ${formatBytes(SANDBOX_LIMITS.container.memoryBytes)} of memory` };
  }
  const seconds = SANDBOX_LIMITS.container.defaultTimeoutMs / 1000;
  if (run.timedOut) return { short: `still running at ${seconds} s`, long: `was still running after ${seconds} s` };
  if (run.exitCode !== 0) {
    const said = run.stderr.trim() ? ` after printing ${quoteOutput(run.stderr, { tail: true, max: 80 })}` : "";
    return { short: `exit code ${run.exitCode}`, long: `exited with code ${run.exitCode}${said}` };
  }
  const missing = stdoutIncludes.filter((s) => !run.stdout.includes(s));
  if (missing.length > 0) {
    return { short: "wrong output", long: `printed ${quoteOutput(run.stdout, { max: 60 })}, not ${missing.map((s) => JSON.stringify(s)).join(", ")}` };
  }
  return null;
}

export function judgeTargets(results: readonly TargetResult[]): CheckOutcome {
  // A budget column only when some target has one.
  const budgets = results.some((r) => r.spec.maxBytes !== undefined);
  const detail: CheckDetail = {
    type: "table",
    columns: ["Target", "Base", "Size", ...(budgets ? ["Budget"] : []), "Runs"],
    rows: results.map((r) => [
      `${r.spec.label} (${r.spec.target})`,
      r.base,
      r.sizeBytes === null ? "—" : formatBytes(r.sizeBytes),
      ...(budgets ? [r.spec.maxBytes === undefined ? "—" : formatBytes(r.spec.maxBytes)] : []),
      r.ran,
    ]),
  };
  const bad = results.filter((r) => r.problem !== null);
  if (bad.length === 0) {
    const sizes = results.map((r) => `${r.spec.target} ${r.sizeBytes === null ? "?" : formatBytes(r.sizeBytes)}`).join(", ");
    return pass(`all ${results.length} targets built and ran: ${sizes}`, detail);
  }
  const list = bad.map((r) => `\`${r.spec.target}\` ${r.problem}`).join("; ");
  return fail(`${bad.length} of ${results.length} targets fell short: ${list}`, detail);
}

/**
 * The image a stage ultimately starts FROM, following `FROM <earlier stage>`; "—" when the
 * Dockerfile has no such stage (the build then fails and says so).
 */
export function baseOf(model: DockerfileModel, target: string): string {
  const byName = (name: string, before: number) => model.stages.find((s) => s.index < before && s.name === name.toLowerCase());
  let stage = model.stages.find((s) => s.name === target.toLowerCase());
  for (let hops = 0; stage && hops < model.stages.length; hops += 1) {
    const parent = byName(stage.base, stage.index);
    if (!parent) return stage.base;
    stage = parent;
  }
  return "—";
}

const firstLine = (text: string) => text.split("\n")[0] ?? "";
