/**
 * The real runner on the real engine, for the engine suites that attack it from a learner's seat
 * (bad-input, attacks): `createRunnerServer` + `executeRun` over `createEnginePipeline`, a
 * temporary SQLite database migrated with the project's migrations, real WebSockets. Test-only.
 *
 * Two departures from `main.ts`, both deliberate:
 * - Build limits are shortened through `createEnginePipeline`'s `build` override: the real 180 s
 *   would not fit a suite. Each run's outcome names its image tag, so "nothing left" is checked
 *   for exactly the suite's own runs while other suites build on the same engine.
 * - The build cgroup caps are not written (what `startRunner`'s `applyCgroupLimits: false` does):
 *   another suite may have lowered them for its own bomb test, and rewriting them would break it.
 *   Bomb tests run only when the caps in place are SANDBOX_LIMITS' own (`defaultCapsInPlace`).
 */
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import { expect } from "vitest";
import { loadExercise } from "../../lib/lessons/load";
import type { Exercise } from "../../lib/lessons/schema";
import type { ErrorCode } from "../../lib/protocol";
import { signToken } from "../../lib/token";
import { RUN_LABEL } from "./container-run";
import { createDocker, pingEngine } from "./engine";
import { createEnginePipeline, type BuildLimits } from "./engine-pipeline";
import { collectHealth, fixedLimitEntries } from "./health";
import { SANDBOX_LIMITS } from "./limits";
import { executeRun } from "./run-pipeline";
import { createDbRunStore, type RunStore } from "./run-store";
import { createRunnerServer, type RunnerServer } from "./server";
import { connectClient, type TestClient } from "./test-client";
import {
  FIXTURE_EXERCISE_ID,
  FIXTURE_LESSONS_DIR,
  hostProcesses,
  migratedTempDatabase,
  readSubmission,
  type SubmissionRow,
  type TempDatabase,
} from "./test-support";

export const KiB = 1024;
export const MiB = 1024 * KiB;
export const BUSYBOX = "stagecraft/busybox:1.35";
const ORIGIN = "http://localhost:3998";

/** The engine every suite shares (never its own resources' owner: clean only what you made). */
export const docker = createDocker("/var/run/docker.sock");

/** A run that chose an image tag (it got as far as building). */
export type Built = { tag: string };

export type TestRunner = {
  runner: RunnerServer;
  wsUrl: string;
  httpUrl: string;
  /** Finished runs that chose an image tag, by run id. */
  builds: Map<string, Built>;
  /** Every tag this runner's builds used, in the order they started (the image exists while it grades). */
  buildTags: string[];
};

export type RunnerOptions = {
  /** @default the real socket */
  socketPath?: string;
  /** @default the harness's own */
  build?: Partial<BuildLimits>;
  /** @default the harness's own */
  loadExercise?: (id: string) => Promise<Exercise | null>;
};

export type EngineHarness = Awaited<ReturnType<typeof openEngineHarness>>;

/**
 * Opens a database, a store and one runner on the real engine (`live`); `close` undoes it all.
 * `name` prefixes the temp folder and every learner id, so checks never see another suite's runs.
 */
export async function openEngineHarness(opts: {
  name: string;
  build: Partial<BuildLimits>;
  /** For every runner it starts. @default the fixture course */
  loadExercise?: (id: string) => Promise<Exercise | null>;
}) {
  expect(await pingEngine(docker), "Docker engine must be reachable").toBe(true);
  await docker.getImage(BUSYBOX).inspect().catch(() => {
    throw new Error(`${BUSYBOX} is missing: run npm run images:prepare`);
  });
  const secret = `${opts.name}-test-secret-${randomBytes(8).toString("hex")}`;
  const learnerPrefix = `${opts.name}${randomBytes(4).toString("hex")}`;
  const database: TempDatabase = await migratedTempDatabase(`sc-${opts.name}-`);
  const store: RunStore = await createDbRunStore(database.url);
  const runners: TestRunner[] = [];
  const allRunIds: string[] = [];

  async function startTestRunner(ro: RunnerOptions = {}): Promise<TestRunner> {
    const engine = createDocker(ro.socketPath ?? "/var/run/docker.sock");
    const pipeline = await createEnginePipeline(engine, { warn: () => undefined, build: { ...opts.build, ...ro.build } });
    const builds = new Map<string, Built>();
    const buildTags: string[] = [];
    const build = pipeline.build;
    pipeline.build = (o) => {
      buildTags.push(o.tag);
      return build(o);
    };
    const runner = createRunnerServer({
      origins: [ORIGIN],
      secret,
      queue: { slots: SANDBOX_LIMITS.queue.buildSlots, maxQueued: SANDBOX_LIMITS.queue.maxQueued },
      store,
      loadExercise: ro.loadExercise ?? opts.loadExercise ?? ((id) => loadExercise(id, FIXTURE_LESSONS_DIR)),
      async execute(req) {
        const outcome = await executeRun(pipeline, req);
        if (outcome.imageTag) builds.set(req.runId, { tag: outcome.imageTag });
        return outcome;
      },
      health: (queue) =>
        collectHealth({
          async engine() {
            return { reachable: await pingEngine(engine, 1_000), version: null };
          },
          limits: fixedLimitEntries(),
          queue: () => queue.stats(),
          database: () => store.ping(),
        }),
      log: () => undefined,
    });
    const address = await runner.listen(0, "127.0.0.1");
    const url = `127.0.0.1:${address.port}`;
    const started: TestRunner = { runner, wsUrl: `ws://${url}`, httpUrl: `http://${url}`, builds, buildTags };
    runners.push(started);
    return started;
  }

  const live = await startTestRunner();

  /** What the lesson page would read for the run. */
  const row = (id: string): SubmissionRow | undefined => readSubmission(database.file, id);

  return {
    database,
    /** The database's temporary folder, free for the suite's own files (fake sockets, lessons). */
    dir: database.dir,
    store,
    live,
    runners,
    allRunIds,
    startTestRunner,
    row,

    /** A learner's page connected to `r`; `learner` names them within this suite. */
    async client(r: TestRunner, learner: string): Promise<TestClient> {
      return connectClient(r.wsUrl, { origin: ORIGIN, token: await signToken(`${learnerPrefix}-${learner}`, secret) });
    },

    /** Starts a run (recorded for the final summary). */
    start(c: TestClient, dockerfile: string, o: { runId?: string; exerciseId?: string } = {}): string {
      const id = c.start(o.exerciseId ?? FIXTURE_EXERCISE_ID, dockerfile, o.runId);
      allRunIds.push(id);
      return id;
    },

    /** The run (which built) left no image and no check container of it, and no build process. */
    async expectNothingLeft(r: TestRunner, runId: string, process?: { marker: string; contains?: boolean }): Promise<void> {
      // The outcome (with its tag) is recorded as the run returns, just after its `finished` frame.
      await expect.poll(() => r.builds.get(runId)).toBeDefined();
      const built = r.builds.get(runId)!;
      await expect(docker.getImage(built.tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
      const containers = await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } });
      expect(containers.filter((c) => c.Image === built.tag)).toEqual([]);
      if (process) await expect.poll(() => processesWith(process.marker, process), { timeout: 5_000, interval: 200 }).toEqual([]);
      await expect.poll(() => r.runner.queue.stats()).toMatchObject({ running: 0, queued: 0 });
    },

    /** A refusal before any build: typed error, `finished error`, a terminal row, nothing built. */
    async expectRefusedWithoutBuild(c: TestClient, runId: string, code: ErrorCode, message: RegExp, r: TestRunner = live) {
      const error = await c.next("error", runId);
      expect(error.code).toBe(code);
      expect(error.message).toMatch(message);
      expect(await c.next("finished", runId)).toMatchObject({ state: "error" });
      await expect.poll(() => row(runId)?.state).toBe("error");
      expect(row(runId)).toMatchObject({ errorCode: code, errorMessage: expect.stringMatching(message) });
      expect(r.builds.has(runId)).toBe(false);
      expect(c.log.some((m) => m.type === "step" && m.runId === runId)).toBe(false);
      return error;
    },

    /** No Submission of this suite is still queued or running, and no image of any of its runs exists. */
    async expectAllSettled(): Promise<void> {
      const db = new Database(database.file, { readonly: true });
      try {
        const open = db.prepare(`SELECT id, state FROM "Submission" WHERE state IN ('queued', 'running')`).all();
        expect(open).toEqual([]);
      } finally {
        db.close();
      }
      for (const r of runners) {
        for (const tag of [...r.buildTags, ...[...r.builds.values()].map((b) => b.tag)]) {
          await expect(docker.getImage(tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
        }
      }
    },

    async close(): Promise<void> {
      for (const r of runners) await r.runner.shutdown();
      await store.close?.();
      await database.remove();
    },
  };
}

/** Host processes whose command line is exactly `marker`, or contains it with `{ contains: true }`. */
export const processesWith = (marker: string, opts: { contains?: boolean } = {}) => hostProcesses(marker, { exact: !opts.contains });

/**
 * Distinctive `sleep N` commands, so a RUN step's processes can be found on the host: busybox
 * `sh -c "a && b"` execs its last command, so a marker elsewhere in the RUN line is not in any
 * process's argv. `base` keeps two suites' ranges apart.
 */
export function sleepMarkers(base: number): () => string {
  let n = base + Math.floor(Math.random() * 900) * 3;
  return () => `sleep ${(n += 1)}`;
}

/**
 * Null when SANDBOX_LIMITS.buildCgroup is what BuildKit's parent cgroup holds right now (cgroup
 * v1), else why not: the reason a bomb test skips.
 */
export async function defaultCapsInPlace(): Promise<string | null> {
  try {
    const pids = (await readFile("/sys/fs/cgroup/pids/docker/buildkit/pids.max", "utf8")).trim();
    const memory = Number((await readFile("/sys/fs/cgroup/memory/docker/buildkit/memory.limit_in_bytes", "utf8")).trim());
    if (pids !== String(SANDBOX_LIMITS.buildCgroup.pids) || memory !== SANDBOX_LIMITS.buildCgroup.memoryBytes) {
      return `build cgroup holds pids=${pids} memory=${memory}, not SANDBOX_LIMITS (a runner applies them at start-up)`;
    }
    return null;
  } catch (err) {
    return `build cgroup not readable: ${(err as Error).message}`;
  }
}
