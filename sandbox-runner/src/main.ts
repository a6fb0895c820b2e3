/**
 * The sandbox runner process: `tsx sandbox-runner/src/main.ts`.
 *
 * Start-up order matters: limits first (so no build ever runs uncapped), then the database sweep
 * (runs a previous process left unfinished become `interrupted`), then the engine sweep (their
 * images, containers and cache), and only then the socket opens. `startRunner` is exported so the
 * engine tests start exactly this wiring in-process.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import { loadExercise } from "../../lib/lessons/load";
import { applyBuildCgroupLimits } from "./cgroup-limits";
import { createDocker, pingEngine } from "./engine";
import { loadRunnerConfig } from "./env";
import { buildLimitEntries, collectHealth, fixedLimitEntries } from "./health";
import type { LimitReport } from "./cgroup-limits";
import { createEnginePipeline, type BuildLimits } from "./engine-pipeline";
import { removeRunLeftovers } from "./engine-sweep";
import { executeRun, type RunOutcome } from "./run-pipeline";
import { createDbRunStore, withFinishRetry, type RunStore } from "./run-store";
import { createRunnerServer, type RunnerServer } from "./server";
import type { SocketLimits } from "./socket-session";

export type StartOptions = {
  /** @default process.env */
  env?: Record<string, string | undefined>;
  /** Folder of the shared secret file. @default ".data" */
  dataDir?: string;
  /**
   * Remove leftovers at start-up (engine-sweep.ts): every `stagecraft-run/*` image and labelled
   * container, or with RUNNER_INSTANCE set only this instance's. Tests sharing the engine with
   * other suites either set RUNNER_INSTANCE or turn this off. @default true
   */
  sweepEngine?: boolean;
  /** @default a Prisma-backed store on DATABASE_URL */
  store?: RunStore;
  /**
   * Write SANDBOX_LIMITS.buildCgroup on BuildKit's parent cgroup (RUNNER_BUILD_CGROUP) at
   * start-up. The caps are shared by the whole engine: tests that share it with a suite lowering
   * them for its own bomb test turn this off, or set RUNNER_BUILD_CGROUP=none (health then reports
   * the build caps as not applied by this runner). @default true
   */
  applyCgroupLimits?: boolean;
  /** Shorter build limits, for tests that cannot wait 180 s. @default SANDBOX_LIMITS.build */
  build?: Partial<BuildLimits>;
  /** Other WebSocket limits, for tests (e.g. a fuzz that must not be rate-limited). @default SANDBOX_LIMITS.socket */
  socket?: Partial<SocketLimits>;
  /** Told of every run's outcome (with its image tag) after it ends; for tests. */
  onOutcome?(runId: string, outcome: RunOutcome): void;
  log?: { info(m: string): void; warn(m: string, err?: unknown): void };
};

export type StartedRunner = { runner: RunnerServer; url: string; stop(): Promise<void> };

const consoleLog = {
  info: (m: string) => console.log(`[runner] ${m}`),
  warn: (m: string, err?: unknown) => console.warn(`[runner] ${m}`, err instanceof Error ? err.message : (err ?? "")),
};

export async function startRunner(opts: StartOptions = {}): Promise<StartedRunner> {
  const log = opts.log ?? consoleLog;
  const { env, secret, origins } = await loadRunnerConfig(opts.env ?? process.env, opts.dataDir);
  const docker = createDocker(env.DOCKER_SOCKET);

  let cgroup: LimitReport[];
  // The runner owns BuildKit's cgroup: it writes the caps there and ends what dropped builds left.
  const ownsCgroup = (opts.applyCgroupLimits ?? true) && env.RUNNER_BUILD_CGROUP !== "none";
  if (ownsCgroup) {
    cgroup = await applyBuildCgroupLimits({}, { parent: env.RUNNER_BUILD_CGROUP });
    for (const r of cgroup) {
      if (!r.enforced) log.warn(`build ${r.limit} limit NOT enforced: ${r.reason ?? "unknown reason"}`);
    }
  } else {
    const reason = "not applied by this runner (RUNNER_BUILD_CGROUP=none); whatever the cgroup holds applies";
    cgroup = (["memory", "pids", "cpu"] as const).map((limit) => ({ limit, enforced: false, reason }));
  }
  const limits = [...buildLimitEntries(cgroup), ...withBuildOverrides(fixedLimitEntries(), opts.build)];
  if (env.RUNNER_BUILD_SLOTS > 1) {
    log.warn(`RUNNER_BUILD_SLOTS=${env.RUNNER_BUILD_SLOTS}: the build cgroup caps are shared by concurrent builds`);
  }

  const startedAt = new Date();
  const base = opts.store ?? (await createDbRunStore(env.DATABASE_URL));
  const markInterrupted = async () => {
    const n = await base.markInterrupted(startedAt);
    if (n > 0) log.info(`marked ${n} unfinished submission(s) as interrupted (the runner restarted while they ran)`);
  };
  const instance = env.RUNNER_INSTANCE;
  let unfinishedSince: Date | null = null;
  const marked = await (async () => {
    unfinishedSince = (await base.oldestUnfinished?.()) ?? null;
    await markInterrupted();
    return true;
  })().catch((err: unknown) => {
    log.warn("database unavailable at start-up; runs are refused until it answers", err);
    return false;
  });
  // Results of runs that end while the database is away are held and written when it is back;
  // so is the start-up marking, when the database was away at start-up.
  const store = withFinishRetry(base, { log: log.warn, ...(!marked && { whenBack: markInterrupted }) });

  if (!(await pingEngine(docker))) {
    log.warn(`Docker engine not reachable at ${env.DOCKER_SOCKET}; runs fail until it is`);
  } else if (opts.sweepEngine ?? true) {
    await removeRunLeftovers(docker, { ...(instance && { instance }), unfinishedSince })
      .then(({ containers, images, cacheRecords }) => {
        if (containers + images + cacheRecords > 0) {
          log.info(`removed ${containers} leftover container(s), ${images} image(s) and ${cacheRecords} build cache record(s)`);
        }
      })
      .catch((err: unknown) => log.warn("start-up cleanup failed", err));
  }

  const pipeline = await createEnginePipeline(docker, {
    warn: log.warn,
    ...(opts.build && { build: opts.build }),
    ...(instance && { instance }),
    ...(ownsCgroup && { buildCgroup: env.RUNNER_BUILD_CGROUP }),
  });
  const runner = createRunnerServer({
    origins,
    secret,
    queue: { slots: env.RUNNER_BUILD_SLOTS, maxQueued: env.RUNNER_QUEUE_MAX },
    store,
    loadExercise: (id) => loadExercise(id, env.LESSONS_DIR),
    async execute(req) {
      const outcome = await executeRun(pipeline, req);
      opts.onOutcome?.(req.runId, outcome);
      return outcome;
    },
    health: (queue) =>
      collectHealth({
        async engine() {
          if (!(await pingEngine(docker))) return { reachable: false, version: null };
          const version = (await docker.version()) as { Version?: string };
          return { reachable: true, version: version.Version ?? null };
        },
        limits,
        queue: () => queue.stats(),
        database: () => store.ping(),
      }),
    log: log.warn,
    ...(opts.socket && { socket: opts.socket }),
  });
  const address = await runner.listen(env.RUNNER_PORT, env.RUNNER_HOST);
  const url = `http://${address.family === "IPv6" ? `[${address.address}]` : address.address}:${address.port}`;
  log.info(`listening on ${url} (WebSocket /ws, GET /health); allowed origins ${origins.join(", ")}`);
  return {
    runner,
    url,
    async stop() {
      await runner.shutdown().catch((err: unknown) => log.warn("shutdown", err));
      await store.close?.().catch(() => undefined);
    },
  };
}

/** /health must show the build limits this runner really uses. */
function withBuildOverrides(entries: ReturnType<typeof fixedLimitEntries>, build: Partial<BuildLimits> | undefined) {
  const values: Record<string, number | undefined> = {
    "build.timeout": build?.timeoutMs,
    "build.log": build?.logCapBytes,
    "build.imageSize": build?.maxImageBytes,
    "build.minFreeDisk": build?.minFreeDiskBytes,
  };
  return entries.map((e) => (values[e.name] === undefined ? e : { ...e, value: values[e.name] }));
}

async function main() {
  // A bug in one run's handling must not take every learner's socket down with it.
  process.on("unhandledRejection", (err) => consoleLog.warn("unhandled rejection (the runner keeps going)", err));
  const started = await startRunner();
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    consoleLog.info(`${signal}: stopping; running builds are aborted and recorded as interrupted`);
    await started.stop();
    process.exit(0);
  };
  process.on("SIGTERM", () => void stop("SIGTERM"));
  process.on("SIGINT", () => void stop("SIGINT"));
}

const isEntry = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntry) {
  main().catch((err: unknown) => {
    console.error("[runner] failed to start:", err);
    process.exit(1);
  });
}
