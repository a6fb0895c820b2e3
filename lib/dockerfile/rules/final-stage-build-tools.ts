/**
 * In a multi-stage build the compilers belong in the builder: a final stage on a toolchain image,
 * or one that installs gcc, make or headers, ships them to production for nothing.
 */
import { LESSON_LINKS } from "../links";
import { buildToolsInFinalImage } from "./build-tools";
import type { Rule } from "./types";

export const finalStageBuildTools: Rule = {
  id: "final-stage-build-tools",
  severity: "warning",
  link: LESSON_LINKS.discarded,
  check(ctx) {
    // One stage is the monolith lesson's starting point: `single-stage-build-tools` covers it.
    if (ctx.analysis.stages.length < 2) return [];
    return buildToolsInFinalImage(ctx).map((found) => ({
      message:
        found.kind === "toolchain-base"
          ? `The final image is built on \`${found.ref}\`, a toolchain image, so the compiler ships with your program. Start the final stage from a small runtime image and \`COPY --from\` the build output into it.`
          : `This puts build tools (${found.tools.join(", ")}) into the final image, where nothing needs them at run time. Install them in the builder stage and copy only the build output.`,
      range: found.range,
    }));
  },
};
