/**
 * The web app's environment, parsed once (create-t3-app style): the rest of the app imports
 * `env` instead of reading `process.env`.
 */
import "server-only";
import { parseEnv, runnerPublicUrl } from "@/lib/env-schema";
import { readOrCreateSecret } from "@/lib/secret-file";

export const env = parseEnv(process.env);

/** WebSocket base URL the browser should use to reach the runner. */
export const runnerUrl = runnerPublicUrl(env);

let secret: Promise<string> | null = null;

/** The runner-token secret: STAGECRAFT_SECRET, else the shared `.data/runner-secret` file. */
export function runnerSecret(): Promise<string> {
  secret ??= env.STAGECRAFT_SECRET
    ? Promise.resolve(env.STAGECRAFT_SECRET)
    : readOrCreateSecret().catch((err: unknown) => {
        secret = null; // a transient file-system error must not stick for the process's lifetime
        throw err;
      });
  return secret;
}
