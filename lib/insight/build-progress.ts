/**
 * Build progress as "steps done of steps known": the plan from the parsed Dockerfile
 * (build-plan.ts) says how many steps each stage will have, and BuildKit's own step names
 * (`[builder 3/5] …`) correct that count as soon as a stage's first step shows up.
 */
import type { BuildStep } from "../protocol";

/** Planned steps per stage (build-plan.ts makes one from the Dockerfile). */
export type BuildPlan = {
  /** BuildKit's label for each stage that will be built (`builder`, `stage-2`; "" in a one-stage file) → its step count. */
  stages: Record<string, number>;
};

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
