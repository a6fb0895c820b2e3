/**
 * Section 4: a class at once. N distinct learners each submit a tiny busybox build, wait for it to
 * finish and submit again, against one runner with its normal queue. A learner answered `busy`
 * (the queue is full) tries again after a second, like a learner pressing Run again; that time
 * counts as queue wait. Queue wait is from a run's first `start` frame to the moment it left the
 * queue; throughput is finished runs per minute of wall-clock time for the whole level.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { newNonce } from "./cold";
import type { RunnerChild } from "./runner-child";
import { connectLearner, timedRun, type RunTiming } from "./ws-run";

export type LevelResult = {
  learners: number;
  runs: number;
  /** `busy` answers before a run got in. */
  busy: number;
  /** Runs that did not end `passed`, by state (a tiny solution should always pass). */
  notPassed: Record<string, number>;
  spanMs: number;
  waitsMs: number[];
  /** start → finished, per run, including the wait. */
  totalsMs: number[];
  /** start → first build event, per run. */
  firstEventMs: number[];
};

export const BUSY_RETRY_MS = 1_000;

export async function benchQueueLevel(opts: {
  runner: RunnerChild;
  learners: number;
  runsPerLearner: number;
  /** Exactly this many runs in all, spread over the learners (instead of runsPerLearner each). */
  totalRuns?: number;
  exerciseId: string;
  dockerfile: string;
  onRunnerRun(): void;
}): Promise<LevelResult> {
  const tag = newNonce();
  const learners = await Promise.all(
    Array.from({ length: opts.learners }, (_, i) => connectLearner(opts.runner, `bench-learner-${opts.learners}-${i}-${tag}`)),
  );
  const result: LevelResult = { learners: opts.learners, runs: 0, busy: 0, notPassed: {}, spanMs: 0, waitsMs: [], totalsMs: [], firstEventMs: [] };
  const t0 = performance.now();
  try {
    await Promise.all(
      learners.map(async (learner, i) => {
        const total = opts.totalRuns;
        const mine = total === undefined ? opts.runsPerLearner : Math.floor(total / opts.learners) + (i < total % opts.learners ? 1 : 0);
        for (let k = 0; k < mine; k += 1) {
          const firstAttempt = performance.now();
          let run: RunTiming;
          for (;;) {
            const sentAt = performance.now();
            run = await timedRun(learner, opts.exerciseId, opts.dockerfile);
            if (run.state !== "refused") {
              const before = sentAt - firstAttempt;
              result.waitsMs.push(before + (run.startedMs ?? Number.NaN));
              result.totalsMs.push(before + (run.finishedMs ?? Number.NaN));
              if (run.firstBuildEventMs !== undefined) result.firstEventMs.push(run.firstBuildEventMs);
              break;
            }
            if (run.refusedCode !== "busy") throw new Error(`learner ${learner.id} was refused: ${run.refusedCode}`);
            result.busy += 1;
            await sleep(BUSY_RETRY_MS);
          }
          opts.onRunnerRun();
          result.runs += 1;
          if (run.state !== "passed") result.notPassed[run.state] = (result.notPassed[run.state] ?? 0) + 1;
        }
      }),
    );
    result.spanMs = performance.now() - t0;
    return result;
  } finally {
    for (const learner of learners) learner.close();
  }
}
