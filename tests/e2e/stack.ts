/**
 * Starts the product for browser tests: a fresh SQLite database, the sandbox runner
 * (`tsx sandbox-runner/src/main.ts`) and the web app (`next start`; built first when no build
 * exists — `npm run build` beforehand keeps that out of the test's time), on free ports.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { migrateDeploy } from "../../db/migrate-deploy";
import { bin, killService, REPO_ROOT as root, startService, stopService, waitForHttp } from "../../sandbox-runner/src/test-process";
import { freePort } from "../../sandbox-runner/src/test-support";

export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];


export type Stack = {
  webUrl: string;
  /** The web app's and runner's database, for tests that set up or inspect rows directly. */
  databaseUrl: string;
  runnerWsUrl: string;
  /** The web app's and runner's shared secret: tests sign tokens of other learners with it. */
  secret: string;
  stopRunner(): Promise<void>;
  /** SIGKILLs the runner's process group: a crash, with no chance to record anything. */
  killRunner(): Promise<void>;
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
    // The engine is shared with other suites: this runner's start-up sweep removes only its own
    // run images (RUNNER_INSTANCE), and it leaves the engine's build cgroup caps to their owner.
    RUNNER_INSTANCE: `e2e-${path.basename(dir).replace(/[^a-z0-9]/gi, "").toLowerCase()}`,
    RUNNER_BUILD_CGROUP: "none",
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
    secret: env.STAGECRAFT_SECRET!,
    stopRunner: () => stopService(runner),
    killRunner: () => killService(runner),
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
