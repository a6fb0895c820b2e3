/**
 * Classifies every `COPY --from` reference once, for the three copy-from rules: a stage above
 * (fine), this very stage, a stage below, an image, or nothing at all.
 */
import { resolveStageRef, type CopyFromRef, type StageAnalysis } from "../analysis";
import type { RuleContext } from "./types";

export type CopyFromKind = "earlier" | "own" | "later" | "image" | "unknown" | "variable";

export type ClassifiedRef = {
  ref: CopyFromRef;
  /** The stage the COPY is in. */
  stage: StageAnalysis;
  kind: CopyFromKind;
  /** The stage referred to, for `earlier`, `own` and `later`. */
  target?: StageAnalysis;
};

export function classifyCopyFrom(ctx: RuleContext): ClassifiedRef[] {
  const { stages } = ctx.analysis;
  const out: ClassifiedRef[] = [];
  for (const stage of stages) {
    for (const ref of stage.copyFrom) {
      if (ref.source.includes("$")) {
        out.push({ ref, stage, kind: "variable" });
        continue;
      }
      const index = resolveStageRef(stages, ref.source);
      if (index === null) {
        out.push({ ref, stage, kind: ctx.isCatalogImage(ref.source) ? "image" : "unknown" });
        continue;
      }
      const kind = index < stage.index ? "earlier" : index === stage.index ? "own" : "later";
      out.push({ ref, stage, kind, target: stages[index] });
    }
  }
  return out;
}

/** How a stage is named in messages: `builder` or `#0` for an unnamed one. */
export function stageLabel(stage: StageAnalysis): string {
  return stage.name ? `\`${stage.name}\`` : `#${stage.index}`;
}
