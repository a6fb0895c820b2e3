/**
 * The app's Better Auth instance, bound to its environment: the database `DATABASE_URL` picks,
 * a key derived from the runner-token secret (so `npm run up` needs no new setting) and
 * APP_ORIGINS as the origins allowed to post. Cookies are `Secure` when the request came over
 * https, so there is one instance per scheme (a deployment uses one of them).
 */
import "server-only";
import { appOrigins } from "@/lib/env-schema";
import { getDb } from "@/db";
import { parseDatabaseUrl } from "@/db/database-url";
import { env, runnerSecret } from "./app-env";
import { createAuth, type Auth } from "./auth-config";

const instances = new Map<boolean, Promise<Auth>>();

export function getAuth(secure: boolean): Promise<Auth> {
  let auth = instances.get(secure);
  if (!auth) {
    auth = runnerSecret().then((sharedSecret) =>
      createAuth({
        db: getDb(),
        provider: parseDatabaseUrl(process.env.DATABASE_URL).provider === "sqlite" ? "sqlite" : "postgresql",
        sharedSecret,
        secure,
        trustedOrigins: appOrigins(env),
      }),
    );
    auth.catch(() => instances.delete(secure)); // a transient secret-file error must not stick
    instances.set(secure, auth);
  }
  return auth;
}

/**
 * Whether the browser reached us over https. `next start` records the scheme in
 * `x-forwarded-proto` (a TLS-terminating proxy in front sets it too).
 */
export function servedOverHttps(headers: Headers): boolean {
  return headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}
