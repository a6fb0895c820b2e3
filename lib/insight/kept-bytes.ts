/**
 * What of each earlier stage reached the final image, in bytes, read from the final image's layers:
 * a `COPY --from=<stage>` in the final stage made one layer holding exactly the files it copied,
 * and a stage the final one is built `FROM` reached it whole.
 *
 * Layers are matched to instructions in order: BuildKit records each COPY/ADD of the final stage
 * (and of the stages it is built `FROM`) as one history entry `COPY <sources> <dest>`, after the
 * base image's entries, so the k-th COPY/ADD instruction of that chain is the k-th COPY/ADD layer
 * that is not the base's.
 */
import type { Instruction } from "dockerfile-ast";
import { analyze, resolveStageRef, type StageAnalysis } from "../dockerfile/analysis";
import type { LayerInfo } from "../report";

export type KeptBytes = {
  /** Stage index (as a string, the report's JSON key) → bytes that reached the final image. */
  keptBytes: Record<string, number>;
  /** Stages the final image is built on (`FROM <stage>` chain): all of each reached it. */
  wholeStages: number[];
};

/** The final stage and the stages it is built on, root first. */
function finalChain(stages: readonly StageAnalysis[]): StageAnalysis[] {
  const chain: StageAnalysis[] = [];
  let stage = stages.at(-1);
  const seen = new Set<number>();
  while (stage && !seen.has(stage.index)) {
    seen.add(stage.index);
    chain.unshift(stage);
    stage = stage.baseStage === null ? undefined : stages[stage.baseStage];
  }
  return chain;
}

const isCopyLike = (i: Instruction) => i.getKeyword() === "COPY" || i.getKeyword() === "ADD";

export function keptBytesByStage(dockerfile: string, layers: readonly LayerInfo[]): KeptBytes {
  let stages: StageAnalysis[];
  try {
    stages = analyze(dockerfile).stages;
  } catch {
    return { keptBytes: {}, wholeStages: [] };
  }
  const chain = finalChain(stages);
  const copyLayers = layers.filter((l) => !l.fromBase && /^(COPY|ADD)\b/.test(l.instruction));
  const keptBytes: Record<string, number> = {};
  let k = 0;
  for (const stage of chain) {
    for (const instruction of stage.instructions) {
      if (!isCopyLike(instruction)) continue;
      const layer = copyLayers[k++];
      const ref = stage.copyFrom.find((c) => c.instruction === instruction);
      if (!ref || !layer) continue;
      const source = resolveStageRef(stages, ref.source);
      if (source === null || source === stage.index) continue; // an external image, or nonsense
      keptBytes[String(source)] = (keptBytes[String(source)] ?? 0) + layer.sizeBytes;
    }
  }
  return { keptBytes, wholeStages: chain.slice(0, -1).map((s) => s.index) };
}
