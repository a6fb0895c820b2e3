/**
 * Learners and accounts. A Learner starts anonymous (the `sc_learner` cookie); signing up or in
 * attaches it to the account (`Learner.userId`), and from then on the account's learner is the one
 * every device of that person uses. A learner that belongs to an account is never reachable
 * through the cookie alone, so a stale cookie on a shared computer shows nothing.
 */
import { randomUUID } from "node:crypto";
import { Role } from "../lib/roles";
import type { Db } from "./client";
import type { Tx } from "./progress";

export type Claim = {
  /** The account's learner, which the cookie should name from now on. */
  learnerId: string;
  /** What happened to the browser's anonymous learner. */
  carried: "linked" | "merged" | "nothing";
};

/**
 * Makes sure the account has a learner and carries the browser's anonymous learner over to it:
 * linked when the account has none yet, otherwise merged (runs and progress move, the anonymous
 * row is deleted), in one transaction. A cookie naming another account's learner is ignored.
 */
export async function claimLearner(db: Db, userId: string, cookieLearnerId: string | null): Promise<Claim> {
  try {
    return await db.$transaction((tx) => claimIn(tx, userId, cookieLearnerId));
  } catch (err) {
    // Two sign-ins of one account racing to create its learner: the loser finds the winner's row.
    if (!isUniqueViolation(err)) throw err;
    return db.$transaction((tx) => claimIn(tx, userId, cookieLearnerId));
  }
}

async function claimIn(tx: Tx, userId: string, cookieLearnerId: string | null): Promise<Claim> {
  const own = await tx.learner.findUnique({ where: { userId }, select: { id: true } });
  const anonymous = cookieLearnerId
    ? await tx.learner.findFirst({ where: { id: cookieLearnerId, userId: null }, select: { id: true } })
    : null;
  if (!own) {
    if (anonymous) {
      // Conditional, so a learner claimed by someone else in the meantime is never taken over.
      const { count } = await tx.learner.updateMany({ where: { id: anonymous.id, userId: null }, data: { userId } });
      if (count === 1) return { learnerId: anonymous.id, carried: "linked" };
    }
    const created = await tx.learner.create({ data: { id: randomUUID(), userId }, select: { id: true } });
    return { learnerId: created.id, carried: "nothing" };
  }
  if (!anonymous || anonymous.id === own.id) return { learnerId: own.id, carried: "nothing" };
  await mergeLearner(tx, anonymous.id, own.id);
  return { learnerId: own.id, carried: "merged" };
}

/**
 * Moves everything of learner `fromId` to `intoId` and deletes `fromId`. Progress on the same
 * exercise combines: the earliest pass, the smallest passing image, the sum of attempts.
 */
async function mergeLearner(tx: Tx, fromId: string, intoId: string): Promise<void> {
  await tx.submission.updateMany({ where: { learnerId: fromId }, data: { learnerId: intoId } });
  const moving = await tx.progress.findMany({ where: { learnerId: fromId } });
  for (const p of moving) {
    const key = { learnerId: intoId, exerciseId: p.exerciseId };
    const kept = await tx.progress.findUnique({ where: { learnerId_exerciseId: key } });
    await tx.progress.upsert({
      where: { learnerId_exerciseId: key },
      create: { ...key, passedAt: p.passedAt, bestImageBytes: p.bestImageBytes, attempts: p.attempts },
      update: {
        passedAt: earliest(kept?.passedAt ?? null, p.passedAt),
        bestImageBytes: smallest(kept?.bestImageBytes ?? null, p.bestImageBytes),
        attempts: { increment: p.attempts },
      },
    });
  }
  await tx.progress.deleteMany({ where: { learnerId: fromId } });
  await tx.learner.delete({ where: { id: fromId } });
}

function earliest(a: Date | null, b: Date | null): Date | null {
  if (!a || !b) return a ?? b;
  return a <= b ? a : b;
}

function smallest(a: bigint | null, b: bigint | null): bigint | null {
  if (a === null || b === null) return a ?? b;
  return a <= b ? a : b;
}

/**
 * Whose data this request may see, without writing anything (server components cannot set
 * cookies): the signed-in account's learner, else the cookie's learner if it is still anonymous.
 */
export async function visibleLearnerId(db: Db, userId: string | null, cookieLearnerId: string | null): Promise<string | null> {
  if (userId) return (await db.learner.findUnique({ where: { userId }, select: { id: true } }))?.id ?? null;
  if (!cookieLearnerId) return null;
  const row = await db.learner.findUnique({ where: { id: cookieLearnerId }, select: { userId: true } });
  return row && row.userId === null ? cookieLearnerId : null;
}

export type UserSummary = { id: string; email: string; name: string; role: Role; createdAt: Date };

/** Every account, oldest first (the admin page; Stagecraft's user counts are classroom-sized). */
export async function listUsers(db: Db): Promise<UserSummary[]> {
  const rows = await db.user.findMany({
    orderBy: { createdAt: "asc" },
    select: { id: true, email: true, name: true, role: true, createdAt: true },
  });
  return rows.map((r) => ({ ...r, role: Role.parse(r.role) }));
}

export class UnknownUserError extends Error {
  constructor(who: string) {
    super(`no account with ${who}`);
    this.name = "UnknownUserError";
  }
}

/** Sets a user's role, found by id or by email (emails are stored lowercased by Better Auth). */
export async function setUserRole(db: Db, who: { id: string } | { email: string }, role: Role): Promise<UserSummary> {
  const where = "id" in who ? { id: who.id } : { email: who.email.trim().toLowerCase() };
  const { count } = await db.user.updateMany({ where, data: { role } });
  if (count === 0) throw new UnknownUserError("id" in who ? `id ${who.id}` : `email ${where.email}`);
  const row = await db.user.findUniqueOrThrow({ where, select: { id: true, email: true, name: true, role: true, createdAt: true } });
  return { ...row, role: Role.parse(row.role) };
}

/** The role stored for a user, or null when the account is gone. Guards read it fresh. */
export async function getUserRole(db: Db, userId: string): Promise<Role | null> {
  const row = await db.user.findUnique({ where: { id: userId }, select: { role: true } });
  return row ? Role.parse(row.role) : null;
}

function isUniqueViolation(err: unknown): boolean {
  return typeof err === "object" && err !== null && (err as { code?: unknown }).code === "P2002";
}
