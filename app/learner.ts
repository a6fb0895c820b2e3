/**
 * The learner behind this browser: an id in the httpOnly `sc_learner` cookie, bound to a Learner
 * row; once someone signs in, their account's learner. Pages only read (server components cannot
 * set cookies; app/session.ts decides what they may see); the runner-token route, which every
 * Run goes through, creates the row and sets the cookie.
 */
import "server-only";
import { cookies } from "next/headers";
import { claimLearner, ensureLearner, getLatestSubmission, getProgress } from "@/db";
import { LEARNER_COOKIE, learnerCookieOptions, parseLearnerId } from "@/lib/learner-cookie";

/** The learner id from the cookie, or null for a first visit. Never touches the database. */
export async function learnerIdFromCookie(): Promise<string | null> {
  return parseLearnerId((await cookies()).get(LEARNER_COOKIE)?.value);
}

/**
 * The learner a Run is attributed to, with its row ensured and the cookie naming it. Signed in:
 * the account's learner (claiming this browser's anonymous one if sign-in did not already);
 * signed out: the browser's anonymous learner, never an account's. Route handlers only.
 * @param secure mark the cookie Secure: true when the app is served over https.
 */
export async function bindLearner(userId: string | null, secure: boolean): Promise<string> {
  const existing = await learnerIdFromCookie();
  const id = userId ? (await claimLearner(userId, existing)).learnerId : (await ensureLearner(existing ?? undefined)).id;
  if (id !== existing) (await cookies()).set(LEARNER_COOKIE, id, learnerCookieOptions(secure));
  return id;
}

/**
 * Exercise ids this learner has passed. A missing cookie or an unreachable database means "none
 * yet": progress decorates the course, it must not take the page down.
 */
export async function passedExerciseIds(learnerId: string | null): Promise<Set<string>> {
  if (!learnerId) return new Set();
  try {
    const rows = await getProgress(learnerId);
    return new Set(rows.map((r) => r.exerciseId));
  } catch (err) {
    console.error("progress lookup failed:", err);
    return new Set();
  }
}

/** The learner's latest submission for an exercise, or null (also when the database is down). */
export async function latestSubmission(learnerId: string | null, exerciseId: string) {
  if (!learnerId) return null;
  try {
    return await getLatestSubmission(learnerId, exerciseId);
  } catch (err) {
    console.error("latest submission lookup failed:", err);
    return null;
  }
}
