/**
 * Classes: an instructor's group of learners, joined by invite code. Every read for the
 * instructor pages takes the instructor's user id and puts it in the query (`ownerId`), so a
 * class id or learner id from a URL reads nothing of someone else's class.
 */
import { randomBytes } from "node:crypto";
import type { Db } from "./client";

/** No 0/O, 1/I/L: codes get read aloud and typed from a projector. */
const CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789";
/** 10 characters of a 31-letter alphabet: ~49 bits, unguessable for an invite link. */
const CODE_LENGTH = 10;
export const INVITE_CODE = /^[A-HJ-NP-Z2-9]{10}$/;
export const CLASS_NAME_MAX = 80;

export function newInviteCode(): string {
  const bytes = randomBytes(CODE_LENGTH * 2);
  let code = "";
  // Rejection sampling keeps every letter equally likely (256 is not a multiple of 31).
  for (const b of bytes) {
    if (b >= 248) continue;
    code += CODE_ALPHABET[b % CODE_ALPHABET.length];
    if (code.length === CODE_LENGTH) return code;
  }
  return newInviteCode();
}

export class ClassNameError extends Error {
  override name = "ClassNameError";
}

export type ClassSummary = { id: string; name: string; inviteCode: string; createdAt: Date; members: number };

export async function createClass(db: Db, ownerId: string, name: string): Promise<ClassSummary> {
  const clean = name.replace(/\s+/g, " ").trim();
  if (clean.length === 0) throw new ClassNameError("Give the class a name.");
  if (clean.length > CLASS_NAME_MAX) throw new ClassNameError(`A class name has at most ${CLASS_NAME_MAX} characters.`);
  for (let attempt = 0; ; attempt++) {
    try {
      const row = await db.class.create({ data: { name: clean, ownerId, inviteCode: newInviteCode() } });
      return { id: row.id, name: row.name, inviteCode: row.inviteCode, createdAt: row.createdAt, members: 0 };
    } catch (err) {
      // A code collision (~2^-49 per pair) retries with a new code; anything else is real.
      if (attempt >= 2 || (err as { code?: unknown }).code !== "P2002") throw err;
    }
  }
}

/** The instructor's classes, newest first. */
export async function listOwnedClasses(db: Db, ownerId: string): Promise<ClassSummary[]> {
  const rows = await db.class.findMany({
    where: { ownerId },
    orderBy: { createdAt: "desc" },
    select: { id: true, name: true, inviteCode: true, createdAt: true, _count: { select: { members: true } } },
  });
  return rows.map(({ _count, ...r }) => ({ ...r, members: _count.members }));
}

export type ClassMemberView = {
  userId: string;
  name: string;
  email: string;
  joinedAt: Date;
  /** The member's learner (their runs); null before their first run. */
  learnerId: string | null;
};

export type OwnedClass = Omit<ClassSummary, "members"> & { members: ClassMemberView[] };

/** A class with its members, only if `ownerId` owns it; null otherwise (a 404 for the page). */
export async function getOwnedClass(db: Db, ownerId: string, classId: string): Promise<OwnedClass | null> {
  const row = await db.class.findFirst({
    where: { id: classId, ownerId },
    select: {
      id: true,
      name: true,
      inviteCode: true,
      createdAt: true,
      members: {
        orderBy: { joinedAt: "asc" },
        select: {
          joinedAt: true,
          user: { select: { id: true, name: true, displayName: true, email: true, learner: { select: { id: true } } } },
        },
      },
    },
  });
  if (!row) return null;
  return {
    id: row.id,
    name: row.name,
    inviteCode: row.inviteCode,
    createdAt: row.createdAt,
    members: row.members.map((m) => ({
      userId: m.user.id,
      name: m.user.displayName?.trim() || m.user.name,
      email: m.user.email,
      joinedAt: m.joinedAt,
      learnerId: m.user.learner?.id ?? null,
    })),
  };
}

/** What the join page shows before joining: the class name and who teaches it. */
export async function findClassByInvite(db: Db, code: string): Promise<{ id: string; name: string; teacher: string } | null> {
  const normalized = code.trim().toUpperCase();
  if (!INVITE_CODE.test(normalized)) return null;
  const row = await db.class.findUnique({
    where: { inviteCode: normalized },
    select: { id: true, name: true, owner: { select: { name: true, displayName: true } } },
  });
  return row && { id: row.id, name: row.name, teacher: row.owner.displayName?.trim() || row.owner.name };
}

/** Adds the user to the class the code names; joining twice is harmless. Null for an unknown code. */
export async function joinClass(db: Db, userId: string, code: string): Promise<{ id: string; name: string } | null> {
  const found = await findClassByInvite(db, code);
  if (!found) return null;
  await db.classMember.upsert({
    where: { classId_userId: { classId: found.id, userId } },
    create: { classId: found.id, userId },
    update: {},
  });
  return { id: found.id, name: found.name };
}

/** The classes a user belongs to (shown on their dashboard). */
export async function listJoinedClasses(db: Db, userId: string): Promise<{ id: string; name: string }[]> {
  const rows = await db.classMember.findMany({
    where: { userId },
    orderBy: { joinedAt: "asc" },
    select: { class: { select: { id: true, name: true } } },
  });
  return rows.map((r) => r.class);
}
