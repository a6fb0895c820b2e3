/**
 * What each stage's `FROM` points at, for the base-image rules: an earlier stage, `scratch`, an
 * image ref (after ARG substitution), or something that cannot be resolved.
 */
import { stageByName, type StageAnalysis } from "../analysis";
import type { RuleContext } from "./types";

export type BaseKind =
  | { kind: "stage"; stage: StageAnalysis }
  | { kind: "scratch" }
  | { kind: "image"; ref: string }
  | { kind: "later-stage"; stage: StageAnalysis; ref: string }
  | { kind: "unresolved" }
  | { kind: "missing" };

export function classifyBase(ctx: RuleContext, stage: StageAnalysis): BaseKind {
  const { stages } = ctx.analysis;
  if (stage.base === "") return { kind: "missing" };
  if (stage.resolvedBase === null) return { kind: "unresolved" };
  const ref = stage.resolvedBase;
  if (stage.baseStage !== null) {
    const target = stages[stage.baseStage];
    if (target) return { kind: "stage", stage: target };
  }
  if (ref.toLowerCase() === "scratch") return { kind: "scratch" };
  const laterIndex = stageByName(stages, ref);
  const later = laterIndex === null ? undefined : stages[laterIndex];
  if (later && later.index >= stage.index) return { kind: "later-stage", stage: later, ref };
  return { kind: "image", ref };
}

/** Range of the image argument, falling back to the FROM line. */
export function baseRange(stage: StageAnalysis) {
  return stage.from.getImageRange() ?? stage.from.getRange();
}
