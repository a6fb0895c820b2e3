/**
 * Starts the runner under measurement as a child process (`runner-process.ts`, run by this same
 * Node with tsx's loader, so the child's pid is the runner itself and /proc/<pid>/status is its
 * memory), on a free port, a fresh secret and its own lessons folder, and waits until `/health`
 * says the engine and the database answer. Every failure to get there is a `BenchSetupError`
 * naming what is missing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createWriteStream } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { signToken } from "../../lib/token";
import { HealthReport } from "../../sandbox-runner/src/health";
import { freePort } from "../../sandbox-runner/src/test-support";

/** Something the bench needs is not there; the message says what and how to fix it. */
export class BenchSetupError extends Error {
  override name = "BenchSetupError";
}

export const BENCH_ORIGIN = "http://bench.stagecraft.invalid";

export type RunnerChild = {
  /** `http://127.0.0.1:<port>` (the WebSocket is `ws://…/ws`). */
  url: string;
  pid: number;
  /** VmRSS and VmHWM (peak so far) of the runner process, in KiB. */
  memory(): Promise<{ rssKiB: number; hwmKiB: number }>;
  /** A runner token for `learnerId`, signed with the child's secret. */
  token(learnerId: string): Promise<string>;
  health(): Promise<HealthReport>;
  stop(): Promise<void>;
};

export async function startRunnerChild(opts: {
  databaseUrl: string;
  lessonsDir: string;
  /** Runs allowed to wait (the runner's RUNNER_QUEUE_MAX). */
  queueMax?: number;
  /** Where the child's stdout and stderr go. */
  logFile: string;
}): Promise<RunnerChild> {
  const port = await freePort();
  const secret = randomBytes(24).toString("hex");
  const entry = path.join(import.meta.dirname, "runner-process.ts");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: opts.databaseUrl,
    STAGECRAFT_SECRET: secret,
    RUNNER_HOST: "127.0.0.1",
    RUNNER_PORT: String(port),
    APP_ORIGINS: BENCH_ORIGIN,
    LESSONS_DIR: opts.lessonsDir,
    ...(opts.queueMax !== undefined && { RUNNER_QUEUE_MAX: String(opts.queueMax) }),
  };
  const child = spawn(process.execPath, ["--import", "tsx", entry], { env, stdio: ["ignore", "pipe", "pipe"] });
  const log = createWriteStream(opts.logFile);
  child.stderr.pipe(log);
  const url = await listeningUrl(child, opts.logFile);
  const pid = child.pid!;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));

  const runner: RunnerChild = {
    url,
    pid,
    memory: () => processMemory(pid),
    token: (learnerId) => signToken(learnerId, secret),
    async health() {
      const res = await fetch(`${url}/health`);
      return HealthReport.parse(await res.json());
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), 20_000);
      await exited;
      clearTimeout(timer);
      log.end();
    },
  };
  try {
    const health = await runner.health();
    if (!health.engine.reachable) throw new BenchSetupError("The runner cannot reach the Docker engine (see DOCKER_SOCKET).");
    if (!health.database.reachable) {
      throw new BenchSetupError(`The runner cannot reach the database at ${redact(opts.databaseUrl)}; start it or pass another --database-url.`);
    }
  } catch (err) {
    await runner.stop();
    throw err;
  }
  return runner;
}

/** Resolves with the URL from the child's `listening <url>` line; rejects if it exits first. */
function listeningUrl(child: ChildProcess, logFile: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new BenchSetupError(`The runner did not start within 60 s (its log: ${logFile}).`));
    }, 60_000);
    createInterface({ input: child.stdout! }).on("line", (line) => {
      const m = /^listening (\S+)$/.exec(line);
      if (!m) return;
      clearTimeout(timer);
      resolve(m[1]!);
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new BenchSetupError(`The runner exited with code ${code} before listening; its log: ${logFile}`));
    });
  });
}

/** VmRSS and VmHWM of a process, from /proc (Linux). */
export async function processMemory(pid: number): Promise<{ rssKiB: number; hwmKiB: number }> {
  const status = await readFile(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN);
  return { rssKiB: field("VmRSS"), hwmKiB: field("VmHWM") };
}

/** A database URL without its password, for messages. */
export function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@");
}
