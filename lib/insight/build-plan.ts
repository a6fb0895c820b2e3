/**
 * How many steps each stage the final image needs will have, from the parsed Dockerfile: BuildKit
 * makes a step of FROM, RUN, COPY, ADD and WORKDIR; ENV, USER, CMD… only change the image's
 * configuration. The progress bar's denominator (build-progress.ts) until BuildKit's own `n/m`
 * step names say better. Apart from build-progress.ts because it parses: the browser loads it
 * (and dockerfile-ast) only when a run starts.
 */
import { analyze, resolveStageRef, type StageAnalysis } from "../dockerfile/analysis";
import type { BuildPlan } from "./build-progress";

const STEP_KEYWORDS = new Set(["RUN", "COPY", "ADD", "WORKDIR"]);

/** Stages the last one needs through FROM and COPY --from (BuildKit builds only those). */
function neededStages(stages: readonly StageAnalysis[]): StageAnalysis[] {
  const needed = new Set<number>();
  const visit = (index: number | null) => {
    if (index === null || needed.has(index)) return;
    needed.add(index);
    const stage = stages[index]!;
    visit(stage.baseStage);
    for (const c of stage.copyFrom) {
      const from = resolveStageRef(stages, c.source);
      if (from !== null && from < stage.index) visit(from);
    }
  };
  visit(stages.length > 0 ? stages.length - 1 : null);
  return stages.filter((s) => needed.has(s.index));
}

/** Never throws: text that does not parse plans nothing (progress then comes from BuildKit alone). */
export function buildPlan(dockerfile: string): BuildPlan {
  let all: StageAnalysis[];
  try {
    all = analyze(dockerfile).stages;
  } catch {
    return { stages: {} };
  }
  const one = all.length === 1;
  const stages: Record<string, number> = {};
  for (const stage of neededStages(all)) {
    const label = one ? "" : (stage.name ?? `stage-${stage.index}`);
    // A stage built FROM another has no FROM step of its own.
    const from = stage.baseStage === null ? 1 : 0;
    stages[label] = from + stage.instructions.filter((i) => STEP_KEYWORDS.has(i.getKeyword())).length;
  }
  return { stages };
}

