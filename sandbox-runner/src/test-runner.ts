/**
 * The runner as `main.ts` wires it, started in-process for an engine test on a free port, with the
 * fixture course and a temporary database, plus learners connecting to it with signed tokens.
 * Other suites share the engine, so it neither sweeps their images nor rewrites the build cgroup
 * caps they may have lowered. Test-only.
 */
import { signToken } from "../../lib/token";
import { startRunner, type StartedRunner, type StartOptions } from "./main";
import { connectClient, type TestClient } from "./test-client";
import { FIXTURE_LESSONS_DIR, freePort, type TempDatabase } from "./test-support";

export type TestRunner = StartedRunner & {
  /** A learner's new connection; `name` becomes their learner id (with the runner's prefix). */
  learner(name: string): Promise<TestClient & { learnerId: string }>;
};

export async function startTestRunner(
  database: TempDatabase,
  opts: { secret: string; origin: string; prefix: string; env?: Record<string, string> } & Pick<StartOptions, "socket" | "store" | "onOutcome">,
): Promise<TestRunner> {
  const port = await freePort();
  const started = await startRunner({
    env: {
      DATABASE_URL: database.url,
      STAGECRAFT_SECRET: opts.secret,
      APP_ORIGINS: opts.origin,
      RUNNER_HOST: "127.0.0.1",
      RUNNER_PORT: String(port),
      LESSONS_DIR: FIXTURE_LESSONS_DIR,
      ...opts.env,
    },
    sweepEngine: false,
    applyCgroupLimits: false,
    ...(opts.socket && { socket: opts.socket }),
    ...(opts.store && { store: opts.store }),
    ...(opts.onOutcome && { onOutcome: opts.onOutcome }),
    log: { info: () => undefined, warn: () => undefined },
  });
  const wsUrl = started.url.replace(/^http/, "ws");
  return {
    ...started,
    async learner(name) {
      const learnerId = `${opts.prefix}-${name}`;
      const client = await connectClient(wsUrl, { origin: opts.origin, token: await signToken(learnerId, opts.secret) });
      return Object.assign(client, { learnerId });
    },
  };
}
