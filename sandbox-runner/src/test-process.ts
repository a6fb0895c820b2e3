/**
 * Real processes for tests: a service started in its own process group (so `tsx`/`npx` wrappers
 * and everything they start go down together), waited for over HTTP, and stopped or killed.
 * Used by the browser tests' stack (tests/e2e/stack.ts) and the crash tests, which SIGKILL the
 * runner process itself. Test-only.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const REPO_ROOT = path.resolve(import.meta.dirname, "..", "..");
export const bin = (name: string) => path.join(REPO_ROOT, "node_modules", ".bin", name);

export type Service = { name: string; child: ChildProcess; output: string[] };

/**
 * Last resort: if the test process exits without stopping `child` (a crashed worker, a timeout),
 * its whole process group is killed on the way out, so no detached service outlives the tests.
 */
export function killGroupOnExit(child: ChildProcess): void {
  const kill = () => signalGroup(child, "SIGKILL");
  process.once("exit", kill);
  child.once("exit", () => process.off("exit", kill));
}

export function startService(name: string, cmd: string, args: string[], env: NodeJS.ProcessEnv): Service {
  const child = spawn(cmd, args, { cwd: REPO_ROOT, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  killGroupOnExit(child);
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString("utf8"));
    if (output.length > 400) output.shift();
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  return { name, child, output };
}

const exited = (child: ChildProcess) => child.exitCode !== null || child.signalCode !== null;

/** SIGTERM to the process group, SIGKILL after 10 s; resolves once the process has exited. */
export async function stopService(service: Service): Promise<void> {
  const { child } = service;
  if (exited(child)) return;
  const done = new Promise((resolve) => child.once("exit", resolve));
  // The process group: `npx`/`tsx` wrappers would otherwise leave the real server running.
  signalGroup(child, "SIGTERM");
  const timer = setTimeout(() => signalGroup(child, "SIGKILL"), 10_000);
  await done;
  clearTimeout(timer);
}

/** SIGKILL to the whole process group at once, as the kernel's OOM killer or `kill -9` would. */
export async function killService(service: Service): Promise<void> {
  const { child } = service;
  if (exited(child)) return;
  const done = new Promise((resolve) => child.once("exit", resolve));
  signalGroup(child, "SIGKILL");
  await done;
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

/** Polls `url` until the server answers at all (health may say "engine down": still up), or fails with its output. */
export async function waitForHttp(url: string, service: Service, timeoutMs: number): Promise<void> {
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

export type RunnerProcess = Service & { url: string; wsUrl: string; health: string };

/**
 * `tsx sandbox-runner/src/main.ts` with `env` (on top of this process's), listening on
 * `env.RUNNER_PORT`; resolves once `/health` answers.
 */
export async function startRunnerProcess(env: Record<string, string>): Promise<RunnerProcess> {
  const port = env.RUNNER_PORT;
  if (!port) throw new Error("startRunnerProcess: RUNNER_PORT is required");
  const url = `http://127.0.0.1:${port}`;
  const service = startService("runner", bin("tsx"), ["sandbox-runner/src/main.ts"], {
    ...process.env,
    RUNNER_HOST: "127.0.0.1",
    CHECKPOINT_DISABLE: "1",
    PRISMA_HIDE_UPDATE_MESSAGE: "1",
    ...env,
  });
  const runner = { ...service, url, wsUrl: `ws://127.0.0.1:${port}`, health: `${url}/health` };
  try {
    await waitForHttp(runner.health, runner, 60_000);
  } catch (err) {
    await killService(runner);
    throw err;
  }
  return runner;
}
