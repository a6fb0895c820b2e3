/**
 * The same finding as `final-stage-build-tools` for a one-stage Dockerfile, as a hint: that is
 * the monolith the first lesson builds on purpose, and the next step is a separate runtime stage.
 */
import { LESSON_LINKS } from "../links";
import { buildToolsInFinalImage } from "./build-tools";
import type { Rule } from "./types";

export const singleStageBuildTools: Rule = {
  id: "single-stage-build-tools",
  severity: "info",
  link: LESSON_LINKS.oneStage,
  check(ctx) {
    if (ctx.analysis.stages.length !== 1) return [];
    return buildToolsInFinalImage(ctx).map((found) => {
      const what = found.kind === "toolchain-base" ? `the whole \`${found.ref}\` toolchain` : `its build tools (${found.tools.join(", ")})`;
      return {
        message: `With one stage, the image ships ${what} along with your program. Once it builds, add a small runtime stage and \`COPY --from\` only the output into it.`,
        range: found.range,
      };
    });
  },
};
