/**
 * Build progress as "steps done of steps known": the parsed Dockerfile says how many steps each
 * stage the final image needs will have (BuildKit makes a step of FROM, RUN, COPY, ADD and
 * WORKDIR; ENV, USER, CMD… only change the image's configuration), and BuildKit's own step names
 * (`[builder 3/5] …`) correct that count as soon as a stage's first step shows up.
 */
import { analyze, resolveStageRef, type StageAnalysis } from "../dockerfile/analysis";
import type { BuildStep } from "../protocol";

export type BuildPlan = {
  /** BuildKit's label for each stage that will be built (`builder`, `stage-2`; "" in a one-stage file) → its step count. */
  stages: Record<string, number>;
};

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

export type BuildProgress = {
  done: number;
  total: number;
  /** The step running now (the latest started), as BuildKit names it. */
  current: string | null;
};

const STEP_NAME = /^\[(?:(\S+) )?(\d+)\/(\d+)\]/;

export function buildProgress(plan: BuildPlan, steps: readonly BuildStep[]): BuildProgress {
  const totals = new Map(Object.entries(plan.stages));
  const done = new Map<string, Set<number>>();
  const seen = new Map<string, number>();
  let current: BuildStep | null = null;
  for (const step of steps) {
    const m = STEP_NAME.exec(step.name);
    if (!m) continue;
    const label = (m[1] ?? "").toLowerCase();
    const n = Number(m[2]);
    totals.set(label, Number(m[3]));
    seen.set(label, Math.max(seen.get(label) ?? 0, n));
    if (step.status === "finished" || step.status === "cached") {
      done.set(label, (done.get(label) ?? new Set()).add(n));
    } else if (step.status === "started" && (current === null || step.number > current.number)) {
      current = step;
    }
  }
  let doneCount = 0;
  for (const [label, indices] of done) doneCount += indices.size;
  // BuildKit runs one FROM for every stage on the same base and names it after one of them: a
  // stage whose later steps are under way has its FROM done even if no step says so.
  for (const [label, highest] of seen) if (highest > 1 && !done.get(label)?.has(1)) doneCount += 1;
  const total = [...totals.values()].reduce((a, b) => a + b, 0);
  return { done: Math.min(doneCount, total), total: Math.max(total, doneCount), current: current?.name ?? null };
}
