/**
 * `COPY --from` must name an earlier stage (name or index) or an allowed image: any other value
 * is pulled as an image, which could read another learner's image on a shared engine (DESIGN §4).
 */
import type { Problem } from "../../protocol";
import { resolveStageRef } from "../analysis";
import { LESSON_LINKS } from "../links";
import type { AnalysisGate } from "./types";

export const copyFrom: AnalysisGate = (analysis, options) => {
  const problems: Problem[] = [];
  for (const stage of analysis.stages) {
    for (const ref of stage.copyFrom) {
      const problem = (message: string): Problem => ({ rule: "copy-from-not-allowed", line: ref.line, message, link: LESSON_LINKS.copyFrom });
      if (ref.source.includes("$")) {
        problems.push(problem(`Write the stage name in \`--from=${ref.source}\` directly: the sandbox does not expand variables there.`));
        continue;
      }
      const index = resolveStageRef(analysis.stages, ref.source);
      if (index !== null && index < stage.index) continue;
      if (index === stage.index) {
        problems.push(problem(`\`--from=${ref.source}\` is the stage this COPY is in; a stage cannot copy from itself.`));
      } else if (index !== null) {
        problems.push(problem(`\`--from=${ref.source}\` names a stage defined later; copy only from stages above this one.`));
      } else if (!options.allowedImages(ref.source)) {
        problems.push(
          problem(`\`--from=${ref.source}\` is neither a stage defined above nor an image this sandbox offers, so the builder would try to pull it. Check the stage name.`),
        );
      }
    }
  }
  return problems;
};
