/**
 * `npm run bench`: how fast the sandbox is for a learner, and what the runner itself costs, in one
 * run on one machine. The runner is started as a child process (`bench/runner-process.ts`, the
 * same wiring as `npm run runner`) on a temporary SQLite database, and driven over its WebSocket
 * like a browser. Sections (README "Benchmark" says what each row means):
 *
 *   runs    1–3: build phase and whole graded run, runner vs straight Engine API calls, cold and
 *           cached, for two course exercises; start → first build event
 *   queue   4: throughput and queue wait at 1, 5 and 30 concurrent learners
 *   memory  5: runner RSS at idle, during log floods, after 200 runs
 *
 * Not a test: figures depend on the machine and go in notes, not assertions. Safe on a shared
 * engine: it removes only its own images, containers and the cache records of its own cold builds.
 *
 *   npm run bench                              everything (≈ 12 min on 2 busy cores)
 *   npm run bench -- --quick                   small n, a smoke run (≈ 2–3 min)
 *   npm run bench -- --only queue --quick      one section (repeatable: --only runs --only memory)
 *   npm run bench -- --rounds 7 --exercise go/static-go-service
 *   npm run bench -- --render tmp/bench/latest.json --out tmp/bench/again   tables of a saved run
 */
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseEnv } from "../lib/env-schema";
import { loadExercise } from "../lib/lessons/load";
import type { Exercise } from "../lib/lessons/schema";
import { createDocker, pingEngine } from "../sandbox-runner/src/engine";
import { FIXTURE_EXERCISE_ID, FIXTURE_LESSONS_DIR, FIXTURE_SOLUTION, migratedTempDatabase } from "../sandbox-runner/src/test-support";
import { benchGradedRuns } from "./bench/graded-runs";
import { describeMachine, loadAverage, machineLine } from "./bench/machine";
import { benchQueueLevel } from "./bench/queue-load";
import { allTables, type BenchDocument, type BenchResults } from "./bench/report";
import { BenchSetupError, redact, startRunnerChild, type RunnerChild } from "./bench/runner-child";
import { floodPeak, idleMemory } from "./bench/runner-memory";
import { renderMarkdown, renderText } from "./bench/stats";

export const SECTIONS = ["runs", "queue", "memory"] as const;
type Section = (typeof SECTIONS)[number];
/** Names of the rows that come from the `runs` section. */
const ALIASES: Record<string, Section> = { build: "runs", graded: "runs", "first-log": "runs" };

export const DEFAULT_EXERCISES = ["go/static-go-service", "c/static-c-tool"];

type Plan = {
  sections: Section[];
  exercises: string[];
  rounds: number;
  /** Learners per level, and how many runs each submits. */
  levels: { learners: number; runsPerLearner: number }[];
  floods: number;
  memoryRuns: number;
  outDir: string;
  databaseUrl?: string;
  /** Re-render the tables of a saved latest.json instead of measuring. */
  render?: string;
};

export function planFromArgs(argv: string[]): Plan {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      only: { type: "string", multiple: true },
      rounds: { type: "string" },
      exercise: { type: "string", multiple: true },
      out: { type: "string", default: "tmp/bench" },
      "database-url": { type: "string" },
      "memory-runs": { type: "string" },
      render: { type: "string" },
    },
  });
  const quick = values.quick ?? false;
  const sections = (values.only ?? [...SECTIONS]).map((name) => {
    const section = ALIASES[name] ?? name;
    if (!(SECTIONS as readonly string[]).includes(section)) {
      throw new BenchSetupError(`--only ${name}: the sections are ${[...SECTIONS, ...Object.keys(ALIASES)].join(", ")}`);
    }
    return section as Section;
  });
  const whole = (name: string, raw: string | undefined, fallback: number) => {
    if (raw === undefined) return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new BenchSetupError(`--${name} takes a whole number ≥ 1, not "${raw}"`);
    return n;
  };
  return {
    sections: [...new Set(sections)],
    exercises: values.exercise ?? DEFAULT_EXERCISES,
    rounds: whole("rounds", values.rounds, quick ? 1 : 6),
    levels: quick
      ? [
          { learners: 1, runsPerLearner: 2 },
          { learners: 5, runsPerLearner: 1 },
        ]
      : [
          { learners: 1, runsPerLearner: 10 },
          { learners: 5, runsPerLearner: 4 },
          { learners: 30, runsPerLearner: 2 },
        ],
    floods: quick ? 1 : 3,
    memoryRuns: whole("memory-runs", values["memory-runs"], quick ? 10 : 200),
    outDir: values.out!,
    ...(values["database-url"] && { databaseUrl: values["database-url"] }),
    ...(values.render && { render: values.render }),
  };
}

async function main(): Promise<number> {
  const plan = planFromArgs(process.argv.slice(2));
  const env = parseEnv(process.env);
  if (plan.render) {
    const doc = JSON.parse(await readFile(plan.render, "utf8")) as BenchDocument;
    await publish({ ...doc, tables: allTables(doc.results, Number(doc.options.queueMax ?? env.RUNNER_QUEUE_MAX)) }, plan.outDir);
    return 0;
  }
  const docker = createDocker(env.DOCKER_SOCKET);
  if (!(await pingEngine(docker))) {
    throw new BenchSetupError(`The Docker engine at ${env.DOCKER_SOCKET} is not answering: start dockerd (or set DOCKER_SOCKET), then run the bench again.`);
  }
  const startedAt = new Date();
  const machine = await describeMachine(docker);
  console.log(`${machineLine(machine)}\n`);

  const exercises: Exercise[] = [];
  if (plan.sections.includes("runs")) {
    for (const id of plan.exercises) {
      const exercise = await loadExercise(id, env.LESSONS_DIR);
      if (!exercise) throw new BenchSetupError(`There is no exercise "${id}" in ${env.LESSONS_DIR} (ids are <lesson slug>/<exercise>).`);
      exercises.push(exercise);
    }
  }

  const work = await mkdtemp(path.join(tmpdir(), "stagecraft-bench-"));
  await mkdir(plan.outDir, { recursive: true });
  let runner: RunnerChild | null = null;
  const cleanups: (() => Promise<void> | undefined)[] = [];
  try {
    const lessonsDir = await benchLessons(work, exercises);
    const tempDb = plan.databaseUrl ? null : await migratedTempDatabase("stagecraft-bench-db-");
    cleanups.push(() => tempDb?.remove());
    const databaseUrl = plan.databaseUrl ?? tempDb!.url;
    console.log(`runner: a child process on ${redact(databaseUrl)}; its log is ${path.join(plan.outDir, "runner.log")}`);
    runner = await startRunnerChild({ databaseUrl, lessonsDir, logFile: path.join(plan.outDir, "runner.log") });
    const child = runner;
    process.once("SIGINT", () => {
      console.error("\nbench: interrupted; stopping the runner (it cleans up its running build)");
      void child.stop().finally(() => process.exit(130));
    });
    const results = await runSections(plan, runner, docker, env.DOCKER_SOCKET, exercises);

    machine.loadAtEnd = loadAverage();
    const tables = allTables(results, env.RUNNER_QUEUE_MAX);
    await publish(
      {
        startedAt: startedAt.toISOString(),
        durationS: Math.round((Date.now() - startedAt.getTime()) / 1000),
        options: { ...plan, databaseUrl: plan.databaseUrl && redact(plan.databaseUrl), queueMax: env.RUNNER_QUEUE_MAX },
        machine,
        tables,
        results,
      },
      plan.outDir,
    );
    return 0;
  } finally {
    await runner?.stop();
    await rm(work, { recursive: true, force: true });
    for (const cleanup of cleanups) await cleanup();
  }
}

/** Prints the tables under the machine line and writes latest.json and latest.md. */
async function publish(doc: BenchDocument, outDir: string): Promise<void> {
  const header = `Stagecraft bench, ${doc.startedAt}, ${doc.durationS} s\n${machineLine(doc.machine)}`;
  console.log(`\n${header}\n\n${doc.tables.map(renderText).join("\n\n")}\n`);
  const markdown = `${header.split("\n").join("  \n")}\n\n${doc.tables.map(renderMarkdown).join("\n\n")}\n`;
  await mkdir(outDir, { recursive: true });
  await writeFile(path.join(outDir, "latest.json"), `${JSON.stringify(doc, null, 2)}\n`);
  await writeFile(path.join(outDir, "latest.md"), markdown);
  console.log(`written: ${path.join(outDir, "latest.json")} and latest.md`);
}

async function runSections(plan: Plan, runner: RunnerChild, docker: ReturnType<typeof createDocker>, socketPath: string, exercises: Exercise[]): Promise<BenchResults> {
  const results: BenchResults = {};
  let runnerRuns = 0;
  const counted = () => void (runnerRuns += 1);
  const progress = (line: string) => console.log(`  ${line}`);
  const tiny = { exerciseId: FIXTURE_EXERCISE_ID, dockerfile: FIXTURE_SOLUTION };

  if (plan.sections.includes("memory")) {
    console.log("memory: idle, then log floods");
    const idle = await idleMemory(runner);
    const flood = await floodPeak({ runner, exerciseId: FIXTURE_EXERCISE_ID, floods: plan.floods, onRunnerRun: counted });
    results.memory = { idle, flood };
  }
  if (plan.sections.includes("runs")) {
    console.log(`runs: ${plan.rounds} round(s) of cold and cached, runner and raw, for ${plan.exercises.join(", ")}`);
    results.graded = await benchGradedRuns({ runner, docker, socketPath, exercises, rounds: plan.rounds, onRunnerRun: counted, progress });
  }
  if (plan.sections.includes("queue")) {
    results.queue = [];
    for (const level of plan.levels) {
      console.log(`queue: ${level.learners} learner(s) × ${level.runsPerLearner} run(s)`);
      results.queue.push(await benchQueueLevel({ runner, ...level, ...tiny, onRunnerRun: counted }));
    }
  }
  if (plan.sections.includes("memory") && results.memory) {
    const missing = Math.max(0, plan.memoryRuns - runnerRuns);
    console.log(`memory: ${missing} more tiny run(s) to reach ${plan.memoryRuns} runs`);
    if (missing > 0) await benchQueueLevel({ runner, learners: Math.min(5, missing), runsPerLearner: 0, totalRuns: missing, ...tiny, onRunnerRun: counted });
    const after = await runner.memory();
    await new Promise((r) => setTimeout(r, 5_000));
    results.memory.afterRuns = { runs: runnerRuns, rssKiB: after.rssKiB, hwmKiB: after.hwmKiB, settledRssKiB: (await runner.memory()).rssKiB };
  }
  return results;
}

/**
 * The runner's lessons folder: copies of the benched exercises' lessons and the runner fixture
 * lesson (the tiny busybox exercise), so one runner serves every section.
 */
async function benchLessons(work: string, exercises: Exercise[]): Promise<string> {
  const dir = path.join(work, "lessons");
  await mkdir(dir);
  for (const lessonDir of new Set(exercises.map((e) => path.dirname(path.dirname(e.dir))))) {
    await cp(lessonDir, path.join(dir, path.basename(lessonDir)), { recursive: true });
  }
  const fixture = path.join(FIXTURE_LESSONS_DIR, "01-runner");
  await cp(fixture, path.join(dir, "99-runner"), { recursive: true });
  return dir;
}

const isEntry = process.argv[1] !== undefined && path.resolve(process.argv[1]) === path.resolve(import.meta.filename);
if (isEntry) {
  main().then(
    (code) => process.exit(code),
    (err: unknown) => {
      if (err instanceof BenchSetupError) console.error(`bench: ${err.message}`);
      else console.error("bench failed:", err);
      process.exit(err instanceof BenchSetupError ? 2 : 1);
    },
  );
}
