/**
 * Weighs the learner's builder stages for the stage graph: after the real build, each stage the
 * final image needed is built again on its own as `--target` (every step is in the build cache, so
 * this costs a cached build each, not a rebuild) and its image size read. What reached the final
 * image comes from the final image's layers (lib/insight/kept-bytes.ts). Bounded: at most
 * `SANDBOX_LIMITS.insight.maxWeighedStages` stages within `insight.stageWeightsMs`; past either,
 * the graph is shown without the remaining weights and says why.
 */
import { keptBytesByStage } from "../../../lib/insight/kept-bytes";
import type { ImageReport, StageWeight, StageWeights } from "../../../lib/report";
import type { VariantBuild } from "../checks/types";

export type WeighStagesOptions = {
  dockerfile: string;
  report: ImageReport;
  /** One `--target` build of the learner's Dockerfile (the run's variant builder). */
  buildTarget(target: string): Promise<VariantBuild>;
  maxStages: number;
  /** Wall-clock budget for all of them; each build also stops when it runs out (the builder's budget). */
  budgetMs: number;
  now?: () => number;
};

export async function weighStages(opts: WeighStagesOptions): Promise<StageWeights> {
  const now = opts.now ?? Date.now;
  const started = now();
  const { keptBytes, wholeStages } = keptBytesByStage(opts.dockerfile, opts.report.layers);
  const final = opts.report.stages.at(-1)?.index;
  const candidates = opts.report.stages.filter((s) => s.built && s.index !== final);
  const weights: StageWeight[] = [];
  const notes: string[] = [];
  const unnamed = candidates.filter((s) => s.name === null);
  if (unnamed.length > 0) {
    const which = unnamed.map((s) => `stage ${s.index}`).join(", ");
    notes.push(`${which} ${unnamed.length === 1 ? "has" : "have"} no name, so ${unnamed.length === 1 ? "it" : "they"} could not be built on ${unnamed.length === 1 ? "its" : "their"} own to be weighed (\`FROM … AS name\` fixes that)`);
  }
  const named = candidates.filter((s) => s.name !== null);
  for (const [i, stage] of named.entries()) {
    if (i >= opts.maxStages) {
      notes.push(`a run weighs at most ${opts.maxStages === 1 ? "1 stage" : `${opts.maxStages} stages`}, so ${named.slice(i).map((s) => s.name).join(", ")} ${named.length - i === 1 ? "was" : "were"} not`);
      break;
    }
    if (now() - started >= opts.budgetMs) {
      notes.push(`the time for weighing stages ran out before ${named.slice(i).map((s) => s.name).join(", ")}`);
      break;
    }
    const built = await opts.buildTarget(stage.name!);
    if (!built.ok || built.sizeBytes === null) {
      // The variant builder words running out of its budget for grading; here it is this budget.
      const why = /grading time/.test(built.message) ? "the time for weighing stages ran out" : built.message || "its image size is unknown";
      notes.push(`${stage.name} could not be weighed: ${why}`);
      continue;
    }
    weights.push({ index: stage.index, sizeBytes: built.sizeBytes });
    // A stage the final image is built FROM reached it whole.
    if (wholeStages.includes(stage.index)) keptBytes[String(stage.index)] = built.sizeBytes;
  }
  return { weights, keptBytes, ...(notes.length > 0 && { note: capitalise(notes.join("; ")) + "." }) };
}

const capitalise = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
