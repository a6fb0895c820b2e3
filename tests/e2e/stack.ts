/**
 * Starts the product for browser tests: a fresh SQLite database, the sandbox runner
 * (`tsx sandbox-runner/src/main.ts`) and the web app (`next start`; built first when no build
 * exists — `npm run build` beforehand keeps that out of the test's time), on free ports.
 */
import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrateDeploy } from "../../db/migrate-deploy";
import { freePort } from "../../sandbox-runner/src/test-support";

const root = path.resolve(import.meta.dirname, "..", "..");
const bin = (name: string) => path.join(root, "node_modules", ".bin", name);

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];


type Service = { name: string; child: ChildProcess; output: string[] };

function startService(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Service {
  const child = spawn(cmd, args, { cwd: root, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString("utf8"));
    if (output.length > 400) output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { name, child, output };
}

async function stopService(service: Service): Promise<void> {
  const { child } = service;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  // The process group: `npx`/`tsx` wrappers would otherwise leave the real server running.
  if (child.pid) process.kill(-child.pid, "SIGTERM");
  const timer = setTimeout(() => child.pid && process.kill(-child.pid, "SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

/** Polls `url` until the server answers at all (health may say "engine down": still up), or fails with its output. */
async function waitForHttp(url: string, service: Service, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (service.child.exitCode !== null) break;
    try {
      await fetch(url);
      return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${service.name} did not come up at ${url}:\n${service.output.join("").slice(-4000)}`);
}

export type Stack = {
  webUrl: string;
  /** The web app's and runner's database, for tests that set up or inspect rows directly. */
  databaseUrl: string;
  runnerWsUrl: string;
  stopRunner(): Promise<void>;
  /** Stops the runner and starts it again with these variables changed (e.g. APP_ORIGINS). */
  restartRunner(overrides: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
  logs(): string;
};

/** The variables every test web app gets: its own database in `dir`, secret, course and port. */
function webEnv(o: { mode: "production" | "development"; dir: string; lessonsDir: string; port: number }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: o.mode,
    DATABASE_URL: `file:${path.join(o.dir, "app.db")}`,
    STAGECRAFT_SECRET: `test-secret-${Math.random().toString(36).slice(2)}-0123456789`,
    LESSONS_DIR: o.lessonsDir,
    PORT: String(o.port),
  };
}

export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync(path.join(tmpdir(), "stagecraft-e2e-"));
  const [webPort, runnerPort] = [await freePort(), await freePort()];
  const webUrl = `http://127.0.0.1:${webPort}`;
  const runnerWsUrl = `ws://127.0.0.1:${runnerPort}`;
  const env: NodeJS.ProcessEnv = {
    ...webEnv({ mode: "production", dir, lessonsDir: path.join(root, "lessons"), port: webPort }),
    RUNNER_HOST: "127.0.0.1",
    RUNNER_PORT: String(runnerPort),
    RUNNER_PUBLIC_URL: runnerWsUrl,
    APP_ORIGINS: `${webUrl},http://localhost:${webPort}`,
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    NEXT_TELEMETRY_DISABLED: "1",
  };

  migrateDeploy(env.DATABASE_URL!);
  if (!existsSync(path.join(root, ".next", "BUILD_ID"))) {
    execFileSync(bin("next"), ["build"], { cwd: root, env, stdio: "inherit" });
  }

  const health = `http://127.0.0.1:${runnerPort}/health`;
  let runner = startService("runner", bin("tsx"), ["sandbox-runner/src/main.ts"], env);
  const web = startService("web", bin("next"), ["start", "--hostname", "127.0.0.1", "--port", String(webPort)], env);
  const services = [runner, web];
  try {
    await Promise.all([
      waitForHttp(health, runner, 60_000),
      waitForHttp(`${webUrl}/`, web, 60_000),
    ]);
  } catch (err) {
    await Promise.all(services.map(stopService));
    throw err;
  }

  return {
    webUrl,
    databaseUrl: env.DATABASE_URL!,
    runnerWsUrl,
    stopRunner: () => stopService(runner),
    async restartRunner(overrides) {
      await stopService(runner);
      runner = startService("runner", bin("tsx"), ["sandbox-runner/src/main.ts"], { ...env, ...overrides });
      services[0] = runner;
      await waitForHttp(health, runner, 60_000);
    },
    async stop() {
      await Promise.all(services.map(stopService));
      rmSync(dir, { recursive: true, force: true });
    },
    logs: () => services.map((s) => `--- ${s.name}\n${s.output.join("").slice(-3000)}`).join("\n"),
  };
}

/**
 * The web app alone under `next dev` (no runner), serving `lessonsDir`: for authoring features
 * such as live reload. `next dev` keeps its output in `.next/dev`, apart from `next build`'s.
 */
export async function startDevWeb(lessonsDir: string): Promise<{ webUrl: string; stop(): Promise<void>; logs(): string }> {
  const dir = mkdtempSync(path.join(tmpdir(), "stagecraft-dev-"));
  const port = await freePort();
  const webUrl = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...webEnv({ mode: "development", dir, lessonsDir, port }),
    RUNNER_PUBLIC_URL: `ws://127.0.0.1:${await freePort()}`,
    APP_ORIGINS: webUrl,
    NEXT_TELEMETRY_DISABLED: "1",
  };
  migrateDeploy(env.DATABASE_URL!);
  const web = startService("web-dev", bin("next"), ["dev", "--hostname", "127.0.0.1", "--port", String(port)], env);
  try {
    await waitForHttp(`${webUrl}/api/dev/lesson-events`, web, 120_000);
  } catch (err) {
    await stopService(web);
    throw err;
  }
  return {
    webUrl,
    async stop() {
      await stopService(web);
      rmSync(dir, { recursive: true, force: true });
    },
    logs: () => web.output.join("").slice(-4000),
  };
}
