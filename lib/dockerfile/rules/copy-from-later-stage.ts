/**
 * `COPY --from` naming a stage defined further down. Stages are built from files of the stages
 * above them; a forward reference is refused or misread (the classic builder pulls an image of
 * that name), and it makes the file read out of order.
 */
import { LESSON_LINKS } from "../links";
import { classifyCopyFrom, stageLabel } from "./copy-from-refs";
import type { Rule } from "./types";

export const copyFromLaterStage: Rule = {
  id: "copy-from-later-stage",
  severity: "error",
  link: LESSON_LINKS.copyFrom,
  check(ctx) {
    return classifyCopyFrom(ctx)
      .flatMap(({ kind, ref, target }) =>
        kind === "later" && target
          ? [
              {
                message: `Stage ${stageLabel(target)} is defined later (line ${target.fromLine}); a stage can only copy from stages above it. Move that stage before this one.`,
                range: ref.range,
              },
            ]
          : [],
      );
  },
};
