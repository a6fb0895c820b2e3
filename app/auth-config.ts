/**
 * Stagecraft's Better Auth setup: email + password accounts, scrypt-hashed by the library,
 * database sessions through the Prisma adapter on our own client. Plain module (no
 * `server-only`) so tests can build an instance on a temporary database; the app binds it to its
 * environment in app/auth.ts.
 */
import { createHash } from "node:crypto";
import { betterAuth } from "better-auth";
import { prismaAdapter } from "better-auth/adapters/prisma";
import { createAuthMiddleware } from "better-auth/api";
import { nextCookies } from "better-auth/next-js";
import { claimLearner } from "../db/accounts";
import type { Db } from "../db/client";
import { LEARNER_COOKIE, learnerCookieOptions, parseLearnerId } from "../lib/learner-cookie";

/** @default 8: Better Auth's own minimum; the sign-up form says it up front. */
export const MIN_PASSWORD_LENGTH = 8;
const DAY_SECONDS = 24 * 60 * 60;

export type AuthDeps = {
  db: Db;
  provider: "sqlite" | "postgresql";
  /** The runner-token secret (STAGECRAFT_SECRET or .data/runner-secret); a separate key is derived from it. */
  sharedSecret: string;
  /** Served over https: session and learner cookies get `Secure` (and the `__Secure-` prefix). */
  secure: boolean;
  /** Origins allowed to post to the auth endpoints (APP_ORIGINS). */
  trustedOrigins: string[];
};

/**
 * One secret, two uses: the runner token's HMAC key and Better Auth's signing/encryption key are
 * derived apart, so neither use can be turned against the other.
 */
export function deriveAuthSecret(sharedSecret: string): string {
  return createHash("sha256").update("stagecraft/better-auth\0").update(sharedSecret).digest("hex");
}

export function createAuth(deps: AuthDeps) {
  return betterAuth({
    appName: "Stagecraft",
    basePath: "/api/auth",
    secret: deriveAuthSecret(deps.sharedSecret),
    database: prismaAdapter(deps.db, { provider: deps.provider, transaction: true }),
    emailAndPassword: {
      enabled: true,
      // No mail server: accounts work at once (nothing is sent, nothing is verified).
      requireEmailVerification: false,
      autoSignIn: true,
      minPasswordLength: MIN_PASSWORD_LENGTH,
    },
    user: {
      // The role is Stagecraft's; nobody can choose it while signing up (`input: false`).
      additionalFields: { role: { type: "string", input: false, required: false, defaultValue: "learner" } },
    },
    session: { expiresIn: 30 * DAY_SECONDS, updateAge: DAY_SECONDS },
    trustedOrigins: deps.trustedOrigins,
    advanced: {
      useSecureCookies: deps.secure,
      cookiePrefix: "stagecraft",
      // Explicit, because Better Auth turns the origin check off under test runners: tests must
      // see what production does.
      disableOriginCheck: false,
    },
    telemetry: { enabled: false },
    hooks: {
      after: createAuthMiddleware(async (ctx) => {
        const cookie = learnerCookieOptions(deps.secure);
        if (ctx.path === "/sign-out") {
          // The browser goes back to being a new anonymous visitor: the account's learner stays
          // with the account.
          ctx.setCookie(LEARNER_COOKIE, "", { ...cookie, maxAge: 0 });
          return;
        }
        if (ctx.path !== "/sign-up/email" && ctx.path !== "/sign-in/email") return;
        const userId = ctx.context.newSession?.user.id;
        if (!userId) return; // the sign-in failed
        try {
          const { learnerId } = await claimLearner(deps.db, userId, parseLearnerId(ctx.getCookie(LEARNER_COOKIE)));
          ctx.setCookie(LEARNER_COOKIE, learnerId, cookie);
        } catch (err) {
          // The sign-in itself succeeded; the runner-token route claims again on the next Run.
          console.error("carrying the anonymous learner over failed:", err);
        }
      }),
    },
    // Last, as Better Auth asks: lets server actions and route handlers set the auth cookies.
    plugins: [nextCookies()],
  });
}

export type Auth = ReturnType<typeof createAuth>;
