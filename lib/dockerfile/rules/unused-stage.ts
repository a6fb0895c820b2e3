/**
 * Stages the final stage never reaches (neither through `FROM <stage>` nor `COPY --from`).
 * BuildKit skips them entirely, which surprises learners who expect every stage to run.
 */
import { finalStage, resolveStageRef } from "../analysis";
import { LESSON_LINKS } from "../links";
import { stageLabel } from "./copy-from-refs";
import type { Rule } from "./types";

export const unusedStage: Rule = {
  id: "unused-stage",
  severity: "info",
  link: LESSON_LINKS.unusedStages,
  check({ analysis }) {
    const { stages } = analysis;
    const final = stages.at(-1);
    if (!final) return [];
    const reached = new Set<number>();
    const queue = [final.index];
    for (let index = queue.pop(); index !== undefined; index = queue.pop()) {
      if (reached.has(index)) continue;
      reached.add(index);
      const stage = stages[index];
      if (!stage) continue;
      if (stage.baseStage !== null) queue.push(stage.baseStage);
      for (const ref of stage.copyFrom) {
        const target = resolveStageRef(stages, ref.source);
        if (target !== null) queue.push(target);
      }
    }
    return stages
      .filter((s) => !reached.has(s.index))
      .map((s) => ({
        message: `Stage ${stageLabel(s)} is not used by the final stage (no \`FROM\` or \`COPY --from\` leads to it), so BuildKit skips it and none of its steps run.`,
        range: s.from.getRange(),
      }));
  },
};
