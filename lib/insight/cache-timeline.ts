/**
 * The cache timeline: this run's instruction steps next to the learner's previous run of the same
 * exercise, lined up by instruction text, so a rebuild shows which steps came from the cache and
 * what each one cost then and now.
 *
 * Steps are keyed by their stage label and instruction, without BuildKit's `n/m` position (adding
 * a line shifts every later number, not the step). A FROM vertex is shared by every stage with the
 * same base and labelled with whichever stage reached it first, so FROM steps are keyed by the
 * image alone. The two runs are aligned with a longest common subsequence, so reordering steps
 * shows as one step leaving and one arriving rather than everything misaligned after it.
 */
import type { StepTiming } from "../checks";

const STEP_NAME = /^\[(?:(\S+) )?\d+\/\d+\] ([\s\S]*)$/;

export function instructionKey(name: string): string {
  const m = STEP_NAME.exec(name);
  if (!m) return name;
  const instruction = m[2]!.replace(/\s+/g, " ").trim();
  if (/^FROM /i.test(instruction)) return instruction.replace(/\s+AS\s+\S+$/i, "");
  return `${m[1] ?? ""} ${instruction}`.trim();
}

/** The step as a learner reads it: `builder · RUN go build …`, no position numbers. */
export function stepLabel(name: string): string {
  const m = STEP_NAME.exec(name);
  if (!m) return name;
  const instruction = m[2]!.replace(/\s+/g, " ").trim();
  return m[1] && !/^FROM /i.test(instruction) ? `${m[1]} · ${instruction}` : instruction;
}

export type AlignedStep = { key: string; label: string; previous: StepTiming | null; current: StepTiming | null };

/**
 * BuildKit resolves the base images in parallel, so FROM steps come in any order: they go first,
 * sorted by image, and the Dockerfile's own steps follow in build order.
 */
function basesFirst(steps: readonly StepTiming[]): StepTiming[] {
  const isFrom = (s: StepTiming) => instructionKey(s.name).startsWith("FROM ");
  const froms = steps.filter(isFrom).sort((x, y) => instructionKey(x.name).localeCompare(instructionKey(y.name)));
  return [...froms, ...steps.filter((s) => !isFrom(s))];
}

export function alignSteps(previousSteps: readonly StepTiming[], currentSteps: readonly StepTiming[]): AlignedStep[] {
  const previous = basesFirst(previousSteps);
  const current = basesFirst(currentSteps);
  const a = previous.map((s) => instructionKey(s.name));
  const b = current.map((s) => instructionKey(s.name));
  // LCS table, filled from the end: lcs[i][j] = common length of a[i..] and b[j..].
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i]![j] = a[i] === b[j] ? lcs[i + 1]![j + 1]! + 1 : Math.max(lcs[i + 1]![j]!, lcs[i]![j + 1]!);
    }
  }
  const rows: AlignedStep[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      rows.push({ key: b[j]!, label: stepLabel(current[j]!.name), previous: previous[i]!, current: current[j]! });
      i++;
      j++;
    } else if (j < b.length && (i >= a.length || lcs[i]![j + 1]! >= lcs[i + 1]![j]!)) {
      // A step only this run has goes in first: the learner reads their new file top to bottom.
      rows.push({ key: b[j]!, label: stepLabel(current[j]!.name), previous: null, current: current[j]! });
      j++;
    } else {
      rows.push({ key: a[i]!, label: stepLabel(previous[i]!.name), previous: previous[i]!, current: null });
      i++;
    }
  }
  return rows;
}

/** Time a run spent in its steps (cached ones count as nothing): the bar under each run's label. */
export function stepsTotalMs(steps: readonly StepTiming[]): number {
  return steps.reduce((sum, s) => sum + (s.cached ? 0 : (s.durationMs ?? 0)), 0);
}

/**
 * "5 of 7 steps from the cache", counting the Dockerfile's own steps: a FROM only resolves a
 * local base image (BuildKit never reports it as cached), so it is left out.
 */
export function cacheSummary(steps: readonly StepTiming[]): { cached: number; total: number } {
  const own = steps.filter((s) => !instructionKey(s.name).startsWith("FROM "));
  return { cached: own.filter((s) => s.cached).length, total: own.length };
}
