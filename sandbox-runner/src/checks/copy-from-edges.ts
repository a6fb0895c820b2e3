/**
 * The build's stage graph: named stages exist and each required `COPY --from` edge was built. The
 * Dockerfile model gives the stages and their `--from` lines; the image report says which stages
 * BuildKit actually built (it skips stages the final image does not need).
 */
import { judgeEdges, type GraphStage } from "./stage-edges";
import type { CheckFn } from "./types";
import { fail, pass } from "./types";

export const copyFromEdges: CheckFn<"copy-from-edges"> = async (ctx, spec) => {
  const built = new Map(ctx.report?.stages.map((s) => [s.index, s.built]));
  // Without a report (a narrow test), every stage counts as built, as stage-count assumes.
  const stages: GraphStage[] = ctx.model.stages.map((s) => ({ index: s.index, name: s.name, built: built.get(s.index) ?? true, copyFrom: s.copyFrom }));
  const verdict = judgeEdges(stages, spec);
  return verdict.ok ? pass(verdict.message) : fail(verdict.message);
};
