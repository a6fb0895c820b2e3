/**
 * Sections 1–3 of the bench, from one set of runs: for each exercise, rounds of a cold and a
 * cached graded run through the runner's WebSocket and the same run done straight through the
 * Engine API (raw-engine.ts), the two alternating which goes first. From each runner run come
 * the build phase (start → last build step), the whole graded run (start → check results) and
 * the time to the first build event; from each raw run its build and graded run.
 */
import type { Exercise } from "../../lib/lessons/schema";
import { makeBuildContext } from "../../sandbox-runner/src/build-context";
import type { Docker } from "../../sandbox-runner/src/engine";
import { cacheRecordIds, coldDockerfile, newNonce, pruneOwnRecords, runCommands } from "./cold";
import { rawGradedRun, type RawTiming } from "./raw-engine";
import type { RunnerChild } from "./runner-child";
import { connectLearner, timedRun, type Learner, type RunTiming } from "./ws-run";

export type Cache = "cold" | "cached";
export type ExerciseSamples = { exercise: string; runner: Record<Cache, RunTiming[]>; raw: Record<Cache, RawTiming[]> };

export type GradedRunsOptions = {
  runner: RunnerChild;
  docker: Docker;
  socketPath: string;
  exercises: Exercise[];
  rounds: number;
  /** Counts every runner run (the memory section reports RSS after a number of them). */
  onRunnerRun(): void;
  progress(line: string): void;
};

export async function benchGradedRuns(opts: GradedRunsOptions): Promise<ExerciseSamples[]> {
  const results: ExerciseSamples[] = [];
  for (const exercise of opts.exercises) {
    const learner = await connectLearner(opts.runner, `bench-graded-${newNonce()}`);
    try {
      results.push(await benchExercise(opts, exercise, learner));
    } finally {
      learner.close();
    }
  }
  return results;
}

async function benchExercise(opts: GradedRunsOptions, exercise: Exercise, learner: Learner): Promise<ExerciseSamples> {
  const id = `${exercise.lessonSlug}/${exercise.name}`;
  const samples: ExerciseSamples = { exercise: id, runner: { cold: [], cached: [] }, raw: { cold: [], cached: [] } };
  // On a busy shared machine one run can fail (a probe that times out): it is reported and left
  // out of the medians, where the n shows it, instead of ending the whole bench.
  const viaRunner = async (dockerfile: string) => {
    const t = await timedRun(learner, id, dockerfile);
    opts.onRunnerRun();
    if (t.state !== "passed") opts.progress(`${id}: a runner run ended ${t.state}${t.errorCode ?? t.refusedCode ? ` (${t.errorCode ?? t.refusedCode})` : ""}; left out`);
    return t;
  };
  const raw = async (dockerfile: string): Promise<RawTiming> => {
    try {
      return await rawGradedRun(opts.docker, opts.socketPath, exercise, dockerfile, await makeBuildContext(exercise, dockerfile));
    } catch (err) {
      const error = err instanceof Error ? err.message : String(err);
      opts.progress(`${id}: a raw run failed (${error}); left out`);
      return { buildMs: Number.NaN, gradedMs: Number.NaN, checkMs: {}, error };
    }
  };

  // Unmeasured: puts the solution's steps in the cache for the cached rounds, and proves it passes.
  const warm = await viaRunner(exercise.solution);
  if (warm.state !== "passed") throw new Error(`${id}: the solution did not pass through the runner (${warm.state}); see the runner log`);
  const commands = runCommands(exercise.solution);
  for (let round = 1; round <= opts.rounds; round += 1) {
    const runnerFirst = round % 2 === 1;
    const before = await cacheRecordIds(opts.docker);
    for (const path of runnerFirst ? ["runner", "raw"] : ["raw", "runner"]) {
      const cold = coldDockerfile(exercise.solution, newNonce());
      if (path === "runner") samples.runner.cold.push(await viaRunner(cold));
      else samples.raw.cold.push(await raw(cold));
    }
    const pruned = await pruneOwnRecords(opts.docker, before, commands).catch(() => 0);
    for (const path of runnerFirst ? ["runner", "raw"] : ["raw", "runner"]) {
      if (path === "runner") samples.runner.cached.push(await viaRunner(exercise.solution));
      else samples.raw.cached.push(await raw(exercise.solution));
    }
    const last = <T>(a: T[]) => a.at(-1)!;
    opts.progress(
      `${id} round ${round}/${opts.rounds}: build cold runner ${ms(last(samples.runner.cold).buildDoneMs)} / raw ${ms(last(samples.raw.cold).buildMs)}, ` +
        `cached runner ${ms(last(samples.runner.cached).buildDoneMs)} / raw ${ms(last(samples.raw.cached).buildMs)}; ${pruned} own cache record(s) pruned`,
    );
  }
  return samples;
}

const ms = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? "—" : `${Math.round(v)} ms`);
