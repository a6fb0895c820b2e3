/**
 * Counts the stages that went into the final image, not the FROM lines: a stage BuildKit skipped
 * (nothing copies from it) does not make a multi-stage build.
 */
import type { CheckFn } from "./types";
import { fail, pass } from "./types";

export const stageCount: CheckFn<"stage-count"> = async (ctx, spec) => {
  const stages = ctx.report?.stages ?? ctx.model.stages.map((s) => ({ ...s, built: true }));
  const built = stages.filter((s) => s.built);
  const skipped = stages.filter((s) => !s.built).map((s) => s.name ?? `#${s.index}`);
  const observed =
    `${plural(built.length, "stage")} went into the final image` +
    (skipped.length > 0 ? ` (skipped because nothing uses it: ${skipped.join(", ")})` : "");
  if (spec.min !== undefined && built.length < spec.min) return fail(`${observed}; ${spec.min === 1 ? "at least 1 is" : `at least ${spec.min} are`} expected`);
  if (spec.max !== undefined && built.length > spec.max) return fail(`${observed}; the most allowed is ${spec.max}`);
  return pass(observed);
};

export function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}
