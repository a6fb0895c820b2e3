/**
 * Rebuilds the learner's Dockerfile after a source-only edit and reads which steps came from the
 * cache. The verdict is pure (`judgeRebuild`), so the wording is tested without an engine.
 */
import { randomBytes } from "node:crypto";
import type { CheckDetail, CheckSpecOf } from "../../../lib/checks";
import type { DockerfileModel } from "../../../lib/dockerfile/index";
import type { BuildStep } from "../../../lib/protocol";
import { codeOf, formatDuration, instructionSteps, stepsMatching, timingsOf, wasCached, type InstructionStep } from "./build-steps";
import type { CheckFn, CheckOutcome } from "./types";
import { fail, pass, requireVariants } from "./types";

export const rebuildCache: CheckFn<"rebuild-cache"> = async (ctx, spec) => {
  const rebuilt = await requireVariants(ctx).build({
    label: `rebuild after editing ${spec.edit}`,
    edits: [{ path: spec.edit, append: withNonce(spec.append, randomBytes(6).toString("hex")) }],
  });
  if (!rebuilt.ok) return fail(`the rebuild after editing ${spec.edit} did not succeed: ${rebuilt.message}`);
  return judgeRebuild(spec, { steps: ctx.build.steps, buildMs: ctx.build.buildMs }, rebuilt, ctx.model);
};

type Build = { steps: BuildStep[]; buildMs: number };

/**
 * The edit with a word no earlier build has seen, kept inside the comment. Without it the edited
 * file would be byte-for-byte the one an earlier run's rebuild cached, and a Dockerfile that copies
 * sources before installing dependencies would pass on its second run. Line comments (`//`, `#`,
 * `--`) run to the end of the line, so the word goes at the end of the last line; a block comment
 * (`*\/`, `-->`) gets it before its closing mark.
 */
export function withNonce(append: string, nonce: string): string {
  const body = append.trimEnd();
  const tail = append.slice(body.length);
  for (const close of ["*/", "-->"]) {
    if (body.endsWith(close)) return `${body.slice(0, -close.length).trimEnd()} ${nonce} ${close}${tail}`;
  }
  return `${body} ${nonce}${tail}`;
}

export function judgeRebuild(
  spec: Pick<CheckSpecOf<"rebuild-cache">, "edit" | "cachedSteps" | "rebuiltSteps">,
  first: Build,
  rebuild: Build,
  model: DockerfileModel,
): CheckOutcome {
  const detail = rebuildTimelines(spec.edit, first, rebuild);
  const steps = instructionSteps(rebuild.steps);
  const edited = `only ${spec.edit} changed`;

  const absent = [...spec.cachedSteps, ...spec.rebuiltSteps].filter((f) => stepsMatching(steps, f).length === 0);
  if (absent.length > 0) {
    const which = absent.map((f) => codeOf(f)).join(" or ");
    return fail(
      `no step of your build runs ${which}, so the rebuild after editing ${spec.edit} could not show it being ` +
        "cached or rebuilt; give that work a step of its own",
      detail,
    );
  }

  // A step two fragments both match counts once.
  const rerun = [...new Set(spec.cachedSteps.flatMap((f) => stepsMatching(steps, f)))].filter((s) => !wasCached(s));
  const firstRerun = rerun.sort((a, b) => a.step.number - b.step.number)[0];
  if (firstRerun) {
    const took = firstRerun.step.durationMs === undefined ? "" : ` (${formatDuration(firstRerun.step.durationMs)})`;
    const others = rerun.length > 1 ? ` ${rerun.length - 1} more such step${rerun.length > 2 ? "s" : ""} ran too.` : "";
    return fail(
      `after ${edited}, ${codeOf(firstRerun.instruction)} ran again${took} instead of coming from the cache: ` +
        `${explainRerun(firstRerun, steps, model, spec.edit)}.${others}`,
      detail,
    );
  }

  const unseen = spec.rebuiltSteps.filter((f) => stepsMatching(steps, f).every(wasCached));
  if (unseen.length > 0) {
    const which = unseen.map((f) => codeOf(f)).join(" and ");
    return fail(
      `${which} came from the cache even though ${spec.edit} changed, so the edit never reached it: ` +
        `the step that builds the sources needs ${spec.edit} copied in before it`,
      detail,
    );
  }

  const kept = spec.cachedSteps.map((f) => codeOf(f)).join(", ");
  const ran = spec.rebuiltSteps.length > 0 ? ` and ${spec.rebuiltSteps.map((f) => codeOf(f)).join(", ")} ran again` : "";
  return pass(`after ${edited}, ${kept} came from the cache${ran} (the rebuild took ${formatDuration(rebuild.buildMs)})`, detail);
}

export function rebuildTimelines(edit: string, first: Build, rebuild: Build): CheckDetail {
  return {
    type: "timelines",
    runs: [
      { label: "Your build", totalMs: first.buildMs, steps: timingsOf(first.steps) },
      { label: `Rebuild after editing ${edit}`, totalMs: rebuild.buildMs, steps: timingsOf(rebuild.steps) },
    ],
  };
}

/**
 * Why `step` was not cached: BuildKit reruns every step after the first changed one in a stage, so
 * the cause is the earliest step before it in its stage that ran again (a COPY that takes in the
 * edited file, typically `COPY . .`), or the stage it starts FROM when that stage was rebuilt.
 */
export function explainRerun(step: InstructionStep, steps: readonly InstructionStep[], model: DockerfileModel, edit: string): string {
  const parent = parentStage(step.stage, model);
  if (parent && steps.some((s) => s.stage === parent && !wasCached(s))) {
    return `its stage starts FROM ${codeOf(parent)}, which was rebuilt after the edit, so every step of it ran again`;
  }
  const earlier = steps
    .filter((s) => s.stage === step.stage && s.index > 1 && s.index < step.index && !wasCached(s))
    .sort((a, b) => a.index - b.index);
  // A COPY/ADD from the context is what an edit invalidates; an earlier step that merely ran
  // (e.g. a WORKDIR whose cache record the LRU trimmed between builds) is not the cause.
  const cause = earlier.find((s) => copiesFromContext(s.instruction)) ?? earlier[0];
  if (!cause) return `something it depends on changed with ${edit}`;
  if (copiesFromContext(cause.instruction)) {
    return (
      `an earlier step, ${codeOf(cause.instruction)}, copies ${edit}, so its layer changed and BuildKit ran every later ` +
      "step of that stage again. Copy only what that step needs before it, and the rest after it"
    );
  }
  return `an earlier step, ${codeOf(cause.instruction)}, ran again, and BuildKit runs every later step of a stage again after a changed one`;
}

function copiesFromContext(instruction: string): boolean {
  return /^(COPY|ADD)\b/i.test(instruction) && !/--from[=\s]/i.test(instruction);
}

/** The stage a BuildKit stage label's FROM names, when that is another stage of the file. */
function parentStage(label: string | null, model: DockerfileModel): string | null {
  const stages = model.stages;
  const stage = label === null ? stages[0] : stages.find((s) => s.name === label || `stage-${s.index}` === label);
  if (!stage) return null;
  const base = stage.base.toLowerCase();
  const parent = stages.find((s) => s.index < stage.index && (s.name === base || String(s.index) === base));
  return parent ? (parent.name ?? `stage-${parent.index}`) : null;
}
