/**
 * The final stage should not run as root. USER is inherited through `FROM <earlier stage>`, so
 * the chain of stages is followed down to its image; catalog images run as root unless the catalog
 * says otherwise (the distroless-style `:nonroot` images run as 65532).
 */
import type { Instruction } from "dockerfile-ast";
import { findCatalogImage } from "../../image-catalog";
import { finalStage, type StageAnalysis } from "../analysis";
import { LESSON_LINKS } from "../links";
import type { Rule } from "./types";

function lastUser(stage: StageAnalysis): Instruction | undefined {
  return stage.instructions.filter((i) => i.getKeyword() === "USER").at(-1);
}

const isRoot = (user: string) => /^(root|0)(:.*)?$/.test(user);

export const finalStageRoot: Rule = {
  id: "final-stage-root",
  severity: "warning",
  link: LESSON_LINKS.finalStageUser,
  check(ctx) {
    const { analysis } = ctx;
    const final = finalStage(analysis);
    if (!final) return [];
    // Walk FROM <stage> links back until a stage sets USER (or a real image starts the chain).
    let stage: StageAnalysis | undefined = final;
    const seen = new Set<number>();
    while (stage && !seen.has(stage.index)) {
      seen.add(stage.index);
      const user = lastUser(stage);
      if (user) {
        const value = user.getArgumentsContent()?.trim() ?? "";
        if (value.includes("$") || !isRoot(value)) return [];
        return [
          {
            message: `The final stage switches to \`USER ${value}\`, so the container runs as root. Switch to an unprivileged user instead, e.g. \`USER 10001\`.`,
            range: user.getRange(),
          },
        ];
      }
      if (stage.baseStage === null) {
        const imageUser = stage.resolvedBase === null ? undefined : findCatalogImage(stage.resolvedBase)?.user;
        if (imageUser !== undefined && !isRoot(imageUser)) return [];
        break;
      }
      stage = analysis.stages[stage.baseStage];
    }
    return [
      {
        message:
          "The final stage never sets USER, so the container runs as root. Switch to an unprivileged user near the end of the final stage (a numeric id such as `USER 10001` works without creating an account).",
        range: final.from.getRange(),
      },
    ];
  },
};
