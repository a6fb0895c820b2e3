/**
 * Account roles. Each role includes the ones before it: an admin may do what an instructor may,
 * an instructor what a learner may. The database stores the same three names (`UserRole`).
 */
import { z } from "zod";

export const ROLES = ["learner", "instructor", "admin"] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** True when `actual` grants at least what `required` does. */
export function hasRole(actual: Role, required: Role): boolean {
  return ROLES.indexOf(actual) >= ROLES.indexOf(required);
}

export type RoleCheck = { ok: true } | { ok: false; reason: "signed-out" | "forbidden" };

/** The decision behind every role guard: signed out → sign in first; signed in too low → 403. */
export function checkRole(actual: Role | null, required: Role): RoleCheck {
  if (actual === null) return { ok: false, reason: "signed-out" };
  return hasRole(actual, required) ? { ok: true } : { ok: false, reason: "forbidden" };
}
