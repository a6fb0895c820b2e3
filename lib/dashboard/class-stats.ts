/**
 * A class's numbers, computed from its runs: pure functions over plain rows, so every aggregate is
 * unit-tested without a database. Definitions (the instructor page states them too):
 * - a *graded* run is one that passed or failed (cancelled, errored and interrupted runs say
 *   nothing about the learner's Dockerfile);
 * - *pass rate* is passed runs ÷ graded runs;
 * - *time to pass* is a learner's first run of the exercise → the end of their first passing run.
 */
export type ClassRun = {
  id: string;
  learnerId: string;
  exerciseId: string;
  state: string;
  createdAt: Date;
  finishedAt: Date | null;
  imageBytes: number | null;
  /** Checks with status "fail" (not "error": those are the grader's trouble, not the learner's). */
  failedChecks: { checkId: string; title: string }[];
};

/** One learner's standing on one exercise: a row of the CSV export and a cell of the class grid. */
export type LearnerExercise = {
  learnerId: string;
  exerciseId: string;
  /** Every run, graded or not. */
  submissions: number;
  /** Graded runs. */
  attempts: number;
  firstRunAt: Date;
  passedAt: Date | null;
  bestImageBytes: number | null;
  timeToPassMs: number | null;
};

export type ExerciseStats = {
  exerciseId: string;
  submissions: number;
  graded: number;
  passedRuns: number;
  /** passedRuns ÷ graded, null with no graded run. */
  passRate: number | null;
  learnersTried: number;
  learnersPassed: number;
  medianTimeToPassMs: number | null;
};

export type FailingCheck = { exerciseId: string; checkId: string; title: string; count: number; learners: number };

const isGraded = (state: string) => state === "passed" || state === "failed";

/** The median of a list (mean of the middle two for an even count); null when empty. */
export function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? null) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

/** One row per learner × exercise they ran at least once, in run order. */
export function learnerExercises(runs: ClassRun[]): LearnerExercise[] {
  const byKey = new Map<string, LearnerExercise>();
  const ordered = [...runs].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  for (const run of ordered) {
    const key = `${run.learnerId}\u0000${run.exerciseId}`;
    let row = byKey.get(key);
    if (!row) {
      row = {
        learnerId: run.learnerId,
        exerciseId: run.exerciseId,
        submissions: 0,
        attempts: 0,
        firstRunAt: run.createdAt,
        passedAt: null,
        bestImageBytes: null,
        timeToPassMs: null,
      };
      byKey.set(key, row);
    }
    row.submissions += 1;
    if (isGraded(run.state)) row.attempts += 1;
    if (run.state !== "passed") continue;
    const at = run.finishedAt ?? run.createdAt;
    if (row.passedAt === null || at < row.passedAt) {
      row.passedAt = at;
      row.timeToPassMs = Math.max(0, at.getTime() - row.firstRunAt.getTime());
    }
    if (run.imageBytes !== null && (row.bestImageBytes === null || run.imageBytes < row.bestImageBytes)) {
      row.bestImageBytes = run.imageBytes;
    }
  }
  return [...byKey.values()];
}

/** Per exercise: submissions, pass rate, learners who passed, median time to pass. */
export function exerciseStats(runs: ClassRun[]): Map<string, ExerciseStats> {
  const stats = new Map<string, ExerciseStats>();
  const get = (exerciseId: string) => {
    let s = stats.get(exerciseId);
    if (!s) {
      s = { exerciseId, submissions: 0, graded: 0, passedRuns: 0, passRate: null, learnersTried: 0, learnersPassed: 0, medianTimeToPassMs: null };
      stats.set(exerciseId, s);
    }
    return s;
  };
  for (const run of runs) {
    const s = get(run.exerciseId);
    s.submissions += 1;
    if (isGraded(run.state)) s.graded += 1;
    if (run.state === "passed") s.passedRuns += 1;
  }
  const times = new Map<string, number[]>();
  for (const row of learnerExercises(runs)) {
    const s = get(row.exerciseId);
    s.learnersTried += 1;
    if (row.timeToPassMs === null) continue;
    s.learnersPassed += 1;
    times.set(row.exerciseId, [...(times.get(row.exerciseId) ?? []), row.timeToPassMs]);
  }
  for (const s of stats.values()) {
    s.passRate = s.graded === 0 ? null : s.passedRuns / s.graded;
    s.medianTimeToPassMs = median(times.get(s.exerciseId) ?? []);
  }
  return stats;
}

/** The checks that failed most often across the class's graded runs, most first. */
export function mostFailingChecks(runs: ClassRun[], limit = 10): FailingCheck[] {
  const byKey = new Map<string, FailingCheck & { who: Set<string> }>();
  for (const run of runs) {
    if (!isGraded(run.state)) continue;
    for (const check of run.failedChecks) {
      const key = `${run.exerciseId}\u0000${check.checkId}`;
      let row = byKey.get(key);
      if (!row) {
        row = { exerciseId: run.exerciseId, checkId: check.checkId, title: check.title, count: 0, learners: 0, who: new Set() };
        byKey.set(key, row);
      }
      row.count += 1;
      row.who.add(run.learnerId);
    }
  }
  return [...byKey.values()]
    .map(({ who, ...row }) => ({ ...row, learners: who.size }))
    .sort((a, b) => b.count - a.count || b.learners - a.learners || a.exerciseId.localeCompare(b.exerciseId) || a.checkId.localeCompare(b.checkId))
    .slice(0, limit);
}
