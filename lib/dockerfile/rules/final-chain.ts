/**
 * The stages the final image is made of: the last stage, then the stage it starts `FROM`, and so
 * on up the chain. Their ENV, EXPOSE, HEALTHCHECK and installed files all end up in the image;
 * stages reached only through `COPY --from` do not.
 */
import { finalStage, type Analysis, type StageAnalysis } from "../analysis";

/** Final stage first, then its ancestors; empty when there is no stage. */
export function finalChain(analysis: Analysis): StageAnalysis[] {
  const chain: StageAnalysis[] = [];
  const seen = new Set<number>();
  for (let stage = finalStage(analysis); stage && !seen.has(stage.index); ) {
    seen.add(stage.index);
    chain.push(stage);
    stage = stage.baseStage === null ? undefined : analysis.stages[stage.baseStage];
  }
  return chain;
}
