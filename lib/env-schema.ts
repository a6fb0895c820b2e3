/**
 * Every environment variable Stagecraft reads, with its default. The web app and the runner each
 * parse `process.env` once at start-up through this schema (see `app-env.ts` / runner `env.ts`);
 * the rest of the code imports the parsed value. `.env.example` and the README mirror this list.
 */
import { z } from "zod";

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

export const EnvSchema = z.object({
  /** `file:…` selects SQLite (default), `postgres://…` / `postgresql://…` selects PostgreSQL. */
  DATABASE_URL: z.string().default("file:./.data/stagecraft.db"),
  /**
   * HMAC secret shared by web app and runner for runner tokens. When unset, both read (and the
   * first to start creates) `.data/runner-secret`, so a single-machine install needs no setup.
   */
  STAGECRAFT_SECRET: z.string().min(16).optional(),
  /** Port of the Next.js web app. */
  PORT: port.default(3000),
  /** Address the runner listens on. */
  RUNNER_HOST: z.string().default("127.0.0.1"),
  RUNNER_PORT: port.default(4100),
  /** WebSocket URL the browser uses to reach the runner. @default ws://127.0.0.1:$RUNNER_PORT (IPv4: the runner listens on 127.0.0.1) */
  RUNNER_PUBLIC_URL: z.string().url().optional(),
  /** Origins allowed to open runner WebSockets (comma-separated). @default http://localhost:$PORT,http://127.0.0.1:$PORT */
  APP_ORIGINS: z.string().optional(),
  /** Docker Engine socket. */
  DOCKER_SOCKET: z.string().default("/var/run/docker.sock"),
  /** Concurrent builds per engine; the build cgroup caps are shared, so >1 weakens them. */
  RUNNER_BUILD_SLOTS: positiveInt.default(1),
  /** Runs allowed to wait; beyond that the runner answers `busy`. */
  RUNNER_QUEUE_MAX: positiveInt.default(20),
  /**
   * Names this runner's engine resources: run images are tagged `stagecraft-run/<instance>-…` and the
   * start-up sweep then removes only those (and their containers and cache records). Unset in
   * production, where one runner owns the engine and sweeps every `stagecraft-run/*` image; tests
   * sharing an engine set a unique value so their sweep never touches anyone else's runs.
   */
  RUNNER_INSTANCE: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,39}$/, "lowercase letters, digits and dashes, at most 40")
    .optional(),
  /**
   * BuildKit's parent cgroup (relative to each cgroup hierarchy) the runner writes the build caps
   * on: `<dockerd --cgroup-parent>/buildkit`. `none` writes nothing (health then reports the caps
   * as not applied by this runner), for a runner sharing an engine whose caps another owns.
   */
  RUNNER_BUILD_CGROUP: z.string().regex(/^[A-Za-z0-9_./-]+$/).default("docker/buildkit"),
  /** Folder of lessons (tests point it at fixture lessons). */
  LESSONS_DIR: z.string().default("lessons"),
});
export type Env = z.infer<typeof EnvSchema>;

export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = EnvSchema.safeParse(source);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment:\n${lines.join("\n")}`);
  }
  return result.data;
}

export function runnerPublicUrl(env: Env): string {
  return env.RUNNER_PUBLIC_URL ?? `ws://127.0.0.1:${env.RUNNER_PORT}`;
}

export function appOrigins(env: Env): string[] {
  const raw = env.APP_ORIGINS ?? `http://localhost:${env.PORT},http://127.0.0.1:${env.PORT}`;
  return raw
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
}
