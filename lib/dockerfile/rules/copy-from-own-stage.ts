/** `COPY --from` naming the stage it is in: a stage cannot copy from its own unfinished result. */
import { LESSON_LINKS } from "../links";
import { classifyCopyFrom, stageLabel } from "./copy-from-refs";
import type { Rule } from "./types";

export const copyFromOwnStage: Rule = {
  id: "copy-from-own-stage",
  severity: "error",
  link: LESSON_LINKS.copyFrom,
  check(ctx) {
    return classifyCopyFrom(ctx)
      .filter((c) => c.kind === "own")
      .map(({ ref, stage }) => ({
        message: `\`--from=${ref.source}\` is the stage this COPY is in (${stageLabel(stage)}); a stage cannot copy from itself. Copy from an earlier stage, or use a plain COPY for files from the build context.`,
        range: ref.range,
      }));
  },
};
