/**
 * `npm run bench`: how long a learner waits, measured through the runner's own pipeline
 * (`executeRun`, the code a WebSocket run uses, without the socket and database).
 *
 * For each exercise solution it alternates a cold run (the build cache emptied first, so every
 * COPY and RUN step executes; base images stay, as on a prepared machine) with a cached rerun,
 * and prints medians of: time to the first build-log event, the build phase, and the whole graded
 * run. Not a test: figures depend on the machine and belong in notes, not assertions.
 *
 * It empties the engine's build cache between runs: do not run it on an engine that is serving
 * learners.
 *
 *   npm run bench                         anatomy/split-the-build, 3 rounds
 *   npm run bench -- --rounds 5 --only monolithic-image/build-the-monolith
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { parseEnv } from "../lib/env-schema";
import { loadExercise } from "../lib/lessons/load";
import type { Exercise } from "../lib/lessons/schema";
import { formatBytes } from "../lib/report";
import { applyBuildCgroupLimits } from "../sandbox-runner/src/cgroup-limits";
import { pruneBuildCache } from "../sandbox-runner/src/cleanup";
import { createDocker, pingEngine } from "../sandbox-runner/src/engine";
import { createEnginePipeline } from "../sandbox-runner/src/engine-pipeline";
import { executeRun, type PipelineDeps } from "../sandbox-runner/src/run-pipeline";

type Sample = { firstLogMs: number | null; buildMs: number; totalMs: number; state: string; bytes: number | null };

async function measure(pipeline: PipelineDeps, exercise: Exercise): Promise<Sample> {
  const started = performance.now();
  let firstLogMs: number | null = null;
  const outcome = await executeRun(pipeline, {
    runId: randomUUID(),
    learnerId: "bench",
    exercise,
    dockerfile: exercise.solution,
    signal: new AbortController().signal,
    emit: (message) => {
      if (firstLogMs === null && message.type === "log") firstLogMs = performance.now() - started;
    },
  });
  return {
    firstLogMs,
    buildMs: outcome.buildMs ?? Number.NaN,
    totalMs: performance.now() - started,
    state: outcome.state,
    bytes: outcome.report?.sizeBytes ?? null,
  };
}

function median(values: number[]): number {
  const sorted = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

const ms = (v: number) => (Number.isFinite(v) ? `${Math.round(v)} ms` : "—");

async function main(): Promise<number> {
  const env = parseEnv(process.env);
  const { values } = parseArgs({
    options: {
      rounds: { type: "string", default: "3" },
      only: { type: "string", multiple: true, default: ["anatomy/split-the-build"] },
    },
  });
  const rounds = Number(values.rounds);
  if (!Number.isInteger(rounds) || rounds < 1) throw new Error("--rounds takes a whole number ≥ 1");
  const docker = createDocker(env.DOCKER_SOCKET);
  if (!(await pingEngine(docker))) {
    console.error(`The Docker engine at ${env.DOCKER_SOCKET} is not reachable.`);
    return 2;
  }
  // Learners' builds run under the sandbox cgroup caps; measure under the same.
  const caps = await applyBuildCgroupLimits();
  console.log(`build cgroup caps: ${caps.map((c) => `${c.limit} ${c.enforced ? "enforced" : "not enforced"}`).join(", ")}`);
  const pipeline = await createEnginePipeline(docker);

  const rows: string[][] = [["exercise", "kind", "runs", "first log", "build", "whole run", "image"]];
  for (const id of values.only ?? []) {
    const exercise = await loadExercise(id, env.LESSONS_DIR);
    if (!exercise) throw new Error(`no exercise ${id} in ${env.LESSONS_DIR}`);
    const cold: Sample[] = [];
    const cached: Sample[] = [];
    for (let round = 1; round <= rounds; round += 1) {
      await pruneBuildCache(docker, { all: true });
      cold.push(await measure(pipeline, exercise));
      cached.push(await measure(pipeline, exercise));
      const last = (s: Sample[]) => s.at(-1)!;
      console.log(
        `${id} round ${round}/${rounds}: cold build ${ms(last(cold).buildMs)} (${last(cold).state}), cached build ${ms(last(cached).buildMs)} (${last(cached).state})`,
      );
    }
    for (const [kind, samples] of [
      ["cold", cold],
      ["cached", cached],
    ] as const) {
      const failed = samples.filter((s) => s.state !== "passed").length;
      rows.push([
        id,
        kind,
        `${samples.length}${failed ? ` (${failed} not passed)` : ""}`,
        ms(median(samples.map((s) => s.firstLogMs ?? Number.NaN))),
        ms(median(samples.map((s) => s.buildMs))),
        ms(median(samples.map((s) => s.totalMs))),
        samples[0]?.bytes != null ? formatBytes(samples[0].bytes) : "—",
      ]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log(`\nmedians over ${rounds} round(s)\n`);
  console.log(rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ")).join("\n"));
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
