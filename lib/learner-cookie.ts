/**
 * The `sc_learner` cookie: which learner this browser is while nobody is signed in, and which
 * learner it was handed after signing in (app/learner.ts, app/auth-server.ts).
 */
export const LEARNER_COOKIE = "sc_learner";

/** Ids the cookie may carry: ours are UUIDs; anything else is stale or forged and is ignored. */
export const LEARNER_ID = /^[A-Za-z0-9_-]{8,64}$/;

const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

/** @param secure mark the cookie Secure: true when the app is served over https. */
export function learnerCookieOptions(secure: boolean) {
  return { httpOnly: true, sameSite: "lax", path: "/", maxAge: ONE_YEAR_SECONDS, secure } as const;
}

export function parseLearnerId(value: string | null | undefined): string | null {
  return value && LEARNER_ID.test(value) ? value : null;
}
