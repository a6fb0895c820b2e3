/**
 * The Dockerfile side of layer attribution. Kept apart from layers.ts so the report schema (which
 * the browser and the database load) does not pull in the Dockerfile parser.
 */
import { analyze } from "../dockerfile/analysis";
import type { ChainInstruction } from "./layers";

/**
 * The instructions that write history entries into the final image: those of every stage on the
 * final stage's `FROM` chain (`FROM builder` keeps builder's entries), oldest first, FROM excluded.
 */
export function chainInstructions(dockerfile: string): ChainInstruction[] {
  let analysis;
  try {
    analysis = analyze(dockerfile);
  } catch {
    return [];
  }
  const chain = [];
  for (let stage = analysis.stages.at(-1); stage; stage = stage.baseStage === null ? undefined : analysis.stages[stage.baseStage]) {
    chain.unshift(stage);
  }
  return chain.flatMap((stage) =>
    stage.instructions.map((ins) => {
      const range = ins.getRange();
      return {
        keyword: ins.getKeyword().toUpperCase(),
        line: range.start.line + 1,
        endLine: range.end.line + 1,
        stage: stage.name ?? `stage ${stage.index}`,
      };
    }),
  );
}

