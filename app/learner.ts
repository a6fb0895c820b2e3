/**
 * The anonymous learner behind this browser: an id in the httpOnly `sc_learner` cookie, bound to
 * a Learner row. Pages only read the cookie (server components cannot set cookies); the
 * runner-token route, which every Run goes through, creates the row and sets the cookie.
 */
import "server-only";
import { cookies } from "next/headers";
import { ensureLearner, getLatestSubmission, getProgress } from "@/db";

export const LEARNER_COOKIE = "sc_learner";
const ONE_YEAR_SECONDS = 60 * 60 * 24 * 365;

/** The learner id from the cookie, or null for a first visit. Never touches the database. */
export async function learnerIdFromCookie(): Promise<string | null> {
  const value = (await cookies()).get(LEARNER_COOKIE)?.value;
  // Ids are ours (UUID-like); anything else is a stale or forged cookie and is ignored.
  return value && /^[A-Za-z0-9_-]{8,64}$/.test(value) ? value : null;
}

/**
 * Ensures the Learner row exists and the cookie names it. Route handlers only.
 * @param secure mark the cookie Secure: true when the app is served over https.
 */
export async function bindLearner(secure: boolean): Promise<string> {
  const existing = await learnerIdFromCookie();
  const { id } = await ensureLearner(existing ?? undefined);
  if (id !== existing) {
    (await cookies()).set(LEARNER_COOKIE, id, {
      httpOnly: true,
      sameSite: "lax",
      path: "/",
      maxAge: ONE_YEAR_SECONDS,
      secure,
    });
  }
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
