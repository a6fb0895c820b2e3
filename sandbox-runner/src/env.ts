/**
 * The runner's configuration, read from the environment once at start-up (`main.ts` and the
 * verifier call `loadRunnerConfig`; everything else receives the parsed result).
 */
import { appOrigins, parseEnv, type Env } from "../../lib/env-schema";
import { readOrCreateSecret } from "../../lib/secret-file";

export type RunnerConfig = {
  env: Env;
  /** HMAC secret for runner tokens: `STAGECRAFT_SECRET`, else the shared `.data/runner-secret`. */
  secret: string;
  /** Origins allowed to open a WebSocket (the web app's). */
  origins: string[];
};

/**
 * @param source environment to parse. @default process.env
 * @param dataDir where the shared secret file lives when `STAGECRAFT_SECRET` is unset. @default ".data"
 */
export async function loadRunnerConfig(
  source: Record<string, string | undefined> = process.env,
  dataDir = ".data",
): Promise<RunnerConfig> {
  const env = parseEnv(source);
  const secret = env.STAGECRAFT_SECRET ?? (await readOrCreateSecret(dataDir));
  return { env, secret, origins: appOrigins(env) };
}
