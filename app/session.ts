/**
 * Who is asking, for server components, server actions and route handlers: the signed-in user
 * (Better Auth session) and the learner whose data this request may see.
 */
import "server-only";
import { headers } from "next/headers";
import { forbidden, redirect } from "next/navigation";
import { cache } from "react";
import { visibleLearnerId } from "@/db";
import { checkRole, Role } from "@/lib/roles";
import { getAuth, servedOverHttps } from "./auth";
import { learnerIdFromCookie } from "./learner";

export type SessionUser = { id: string; email: string; name: string; role: Role };

/** The signed-in user, or null. Once per request (React cache), however many callers ask. */
export const currentUser = cache(async (): Promise<SessionUser | null> => {
  const h = await headers();
  let session;
  try {
    session = await (await getAuth(servedOverHttps(h))).api.getSession({ headers: h });
  } catch (err) {
    // Every page's header asks; an unreachable database must not take the site down with it.
    console.error("session lookup failed:", err);
    return null;
  }
  if (!session) return null;
  const { id, email, name, role } = session.user;
  // Read on every request from the User row, so a role change applies at once.
  return { id, email, name, role: Role.catch("learner").parse(role) };
});

/**
 * The learner whose progress and runs this request may show: the signed-in user's (on any
 * device), else the browser's anonymous learner; never an account's learner by cookie alone.
 */
export const currentLearnerId = cache(async (): Promise<string | null> => {
  const [user, cookieId] = await Promise.all([currentUser(), learnerIdFromCookie()]);
  try {
    return await visibleLearnerId(user?.id ?? null, cookieId);
  } catch (err) {
    // Progress decorates pages; an unreachable database must not take them down.
    console.error("learner lookup failed:", err);
    return null;
  }
});

/**
 * For pages and server actions: the signed-in user if their role is at least `role`. Signed out
 * → redirected to sign in (and back to `returnTo`); signed in with a lesser role → 403.
 */
export async function requireRole(role: Role, returnTo = "/"): Promise<SessionUser> {
  const user = await currentUser();
  const check = checkRole(user?.role ?? null, role);
  if (!check.ok && check.reason === "signed-out") redirect(`/sign-in?next=${encodeURIComponent(returnTo)}`);
  if (!check.ok || !user) forbidden();
  return user;
}
