/**
 * Proves every exercise on the real engine: its starter must fail at least one check and its
 * solution must pass them all, through the very pipeline learners' runs use (`executeRun`; no
 * socket, no database).
 *
 *   npm run lessons:verify                      every exercise once
 *   npm run lessons:verify -- --repeat 2        twice (a cached rebuild must grade the same)
 *   npm run lessons:verify -- --only anatomy/split-the-build --dir tests/fixtures/lessons
 *
 * Exits 1 on any mismatch (naming the checks), 2 when the course or the engine is unusable.
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { parseEnv } from "../lib/env-schema";
import type { CheckResult } from "../lib/checks";
import { loadCourse } from "../lib/lessons/load";
import type { Exercise } from "../lib/lessons/schema";
import { formatBytes } from "../lib/report";
import { applyBuildCgroupLimits } from "../sandbox-runner/src/cgroup-limits";
import { createDocker, pingEngine } from "../sandbox-runner/src/engine";
import { createEnginePipeline } from "../sandbox-runner/src/engine-pipeline";
import { executeRun, type PipelineDeps, type RunOutcome } from "../sandbox-runner/src/run-pipeline";

type Variant = "starter" | "solution";
type Verdict = { ok: boolean; summary: string; problem?: string };

/** Starter: a graded run with at least one check not passing. Solution: passed. */
export function judge(variant: Variant, outcome: RunOutcome): Verdict {
  const checks = outcome.checks ?? [];
  const notPassing = checks.filter((c) => c.status !== "pass");
  if (outcome.state === "error" || outcome.state === "cancelled" || outcome.state === "interrupted") {
    const why = `${outcome.state}${outcome.errorCode ? ` ${outcome.errorCode}` : ""}: ${outcome.errorMessage ?? "no message"}`;
    return { ok: false, summary: outcome.errorCode ?? outcome.state, problem: `${variant} ended ${why}` };
  }
  if (variant === "starter") {
    if (notPassing.length > 0) return { ok: true, summary: `fails ${notPassing.map((c) => c.checkId).join(", ")}` };
    return { ok: false, summary: "passes all", problem: `starter passes every check (${checks.length}); it must fail at least one` };
  }
  if (outcome.state === "passed") return { ok: true, summary: `${checks.length}/${checks.length} pass` };
  return {
    ok: false,
    summary: `fails ${notPassing.map((c) => c.checkId).join(", ")}`,
    problem: `solution fails: ${notPassing.map(describeCheck).join("; ")}`,
  };
}

function describeCheck(c: CheckResult): string {
  return `${c.checkId} (${c.status}: ${c.message})`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)}s`;
}

function sizeOf(outcome: RunOutcome): string {
  return outcome.report ? formatBytes(outcome.report.sizeBytes) : "—";
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  return rows.map((r) => r.map((cell, i) => cell.padEnd(widths[i]!)).join("  ").trimEnd()).join("\n");
}

async function verifyOne(pipeline: PipelineDeps, exercise: Exercise, variant: Variant, signal: AbortSignal) {
  return executeRun(pipeline, {
    runId: randomUUID(),
    learnerId: "lessons-verify",
    exercise,
    dockerfile: exercise[variant],
    signal,
    emit: () => undefined,
  });
}

async function main(): Promise<number> {
  const env = parseEnv(process.env);
  const { values } = parseArgs({
    options: {
      repeat: { type: "string", default: "1" },
      dir: { type: "string", default: env.LESSONS_DIR },
      only: { type: "string", multiple: true },
    },
  });
  const repeat = Number(values.repeat);
  if (!Number.isInteger(repeat) || repeat < 1) {
    console.error(`--repeat must be a positive integer, got "${values.repeat}"`);
    return 2;
  }

  const lessons = await loadCourse(values.dir);
  const exercises = lessons.flatMap((l) => l.exercises).filter((e) => !values.only || values.only.includes(e.id));
  if (exercises.length === 0) {
    console.error(`no exercises to verify in ${values.dir}${values.only ? ` matching ${values.only.join(", ")}` : ""}`);
    return 2;
  }

  const docker = createDocker(env.DOCKER_SOCKET);
  if (!(await pingEngine(docker))) {
    console.error(`The Docker engine at ${env.DOCKER_SOCKET} is not reachable.`);
    return 2;
  }
  // Same caps as learners get, so a solution that only passes with more memory fails here.
  for (const r of await applyBuildCgroupLimits()) {
    if (!r.enforced) console.warn(`note: build ${r.limit} limit not enforced (${r.reason ?? "unknown"})`);
  }
  // No stage graph to draw: skip weighing the stages, which would only add builds to every run.
  const pipeline = await createEnginePipeline(docker, { warn: (m, e) => console.warn(`warning: ${m}`, e ?? ""), insight: false });
  const controller = new AbortController();
  process.once("SIGINT", () => controller.abort("cancelled"));

  const rows: string[][] = [["exercise", "run", "starter", "solution", "time", "sizes (starter → solution)"]];
  const problems: string[] = [];
  for (const exercise of exercises) {
    for (let i = 1; i <= repeat; i += 1) {
      const began = Date.now();
      const starter = await verifyOne(pipeline, exercise, "starter", controller.signal);
      const solution = await verifyOne(pipeline, exercise, "solution", controller.signal);
      if (controller.signal.aborted) return 130;
      const s = judge("starter", starter);
      const t = judge("solution", solution);
      for (const v of [s, t]) if (v.problem) problems.push(`${exercise.id} (run ${i}/${repeat}): ${v.problem}`);
      rows.push([
        exercise.id,
        `${i}/${repeat}`,
        `${s.ok ? "ok" : "MISMATCH"} (${s.summary})`,
        `${t.ok ? "ok" : "MISMATCH"} (${t.summary})`,
        seconds(Date.now() - began),
        `${sizeOf(starter)} → ${sizeOf(solution)}`,
      ]);
      console.log(`${exercise.id} run ${i}/${repeat}: starter ${s.summary}; solution ${t.summary}`);
    }
  }

  console.log(`\n${table(rows)}\n`);
  if (problems.length > 0) {
    console.error(`${problems.length} mismatch(es):\n${problems.map((p) => `  - ${p}`).join("\n")}`);
    return 1;
  }
  console.log(`All ${exercises.length} exercise(s) verified${repeat > 1 ? ` ${repeat} times` : ""}.`);
  return 0;
}

// Only run when executed (the unit test imports `judge`).
if (process.argv[1]?.endsWith("lessons-verify.ts")) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err instanceof Error ? err.message : err);
      process.exit(2);
    },
  );
}
