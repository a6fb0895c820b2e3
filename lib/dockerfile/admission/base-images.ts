/**
 * Every `FROM` must be `scratch`, an earlier stage (by name, case-insensitive like BuildKit) or an
 * allowed image after substituting global ARG defaults. Anything else would be pulled by the
 * engine from the host network (DESIGN §3: `networkmode=none` does not stop the daemon's fetches).
 */
import type { Problem } from "../../protocol";
import { LESSON_LINKS } from "../links";
import type { AnalysisGate } from "./types";

const link = LESSON_LINKS.baseImages;

export const baseImages: AnalysisGate = (analysis, options) => {
  if (analysis.stages.length === 0) {
    return [{ rule: "no-from", message: "The Dockerfile has no `FROM` line. Every build starts with `FROM <image>`.", link: LESSON_LINKS.stages }];
  }
  const problems: Problem[] = [];
  for (const stage of analysis.stages) {
    const line = stage.fromLine;
    if (stage.base === "") continue; // reported as a syntax error (FROM without arguments)
    if (stage.resolvedBase === null) {
      problems.push({
        rule: "from-unresolved-arg",
        line,
        message: `\`FROM ${stage.base}\` depends on an ARG with no default value before the first FROM, and the sandbox passes no build args. Give the ARG a default that names an available image.`,
        link,
      });
      continue;
    }
    const ref = stage.resolvedBase;
    if (stage.baseStage !== null || ref.toLowerCase() === "scratch" || options.allowedImages(ref)) continue;
    const shown = ref === stage.base ? `\`${ref}\`` : `\`${stage.base}\` (= \`${ref}\`)`;
    problems.push({
      rule: "base-image-not-allowed",
      line,
      message: `${shown} is neither an image this sandbox offers nor a stage defined above, and the sandbox has no registry to pull it from. Available images: ${options.availableImages.join(", ")}.`,
      link,
    });
  }
  return problems;
};
