/**
 * `COPY --from=<name>` where no stage has that name: BuildKit silently treats the name as an
 * image and tries to pull it, which is almost always a typo in a stage name.
 */
import { LESSON_LINKS } from "../links";
import { classifyCopyFrom, stageLabel } from "./copy-from-refs";
import type { Rule } from "./types";

export const copyFromUnknownStage: Rule = {
  id: "copy-from-unknown-stage",
  severity: "error",
  link: LESSON_LINKS.copyFrom,
  check(ctx) {
    const { stages } = ctx.analysis;
    return classifyCopyFrom(ctx)
      .filter((c) => c.kind === "unknown" || c.kind === "variable")
      .map(({ ref, stage, kind }) => {
        if (kind === "variable") {
          return { message: `Write the stage name in \`--from=${ref.source}\` directly: the sandbox does not expand variables there.`, range: ref.range };
        }
        const above = stages.filter((s) => s.index < stage.index && s.name).map(stageLabel);
        const known = above.length > 0 ? ` Named stages above: ${above.join(", ")}.` : " Name the stage you copy from with `FROM … AS name`.";
        return {
          message:
            ref.source === ""
              ? "`--from` needs a stage name, a stage number or an image."
              : `No stage is named \`${ref.source}\`, so the builder would treat it as an image and try to pull it.${known}`,
          range: ref.range,
        };
      });
  },
};
