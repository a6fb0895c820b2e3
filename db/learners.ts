import { randomUUID } from "node:crypto";
import { LEARNER_ID } from "../lib/learner-cookie";
import type { Db } from "./client";

/**
 * The anonymous learner a cookie names, created when missing. A malformed id (see
 * lib/learner-cookie.ts) is replaced; a well-formed id with no row (say, after a database reset)
 * is re-created rather than replaced, so the browser keeps its identity and the runner, which
 * trusts the signed token's id, agrees. A cookie naming a learner that belongs to an account
 * (left behind after signing out) gets a fresh learner: an account's runs are reachable only by
 * signing in (db/accounts.ts).
 */
export async function ensureLearner(db: Db, id?: string): Promise<{ id: string }> {
  if (id === undefined || !LEARNER_ID.test(id) || (await db.learner.count({ where: { id, userId: { not: null } } })) > 0) {
    return db.learner.create({ data: { id: randomUUID() }, select: { id: true } });
  }
  return db.learner.upsert({
    where: { id },
    create: { id },
    update: { lastSeenAt: new Date() },
    select: { id: true },
  });
}
