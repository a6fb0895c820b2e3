/**
 * Accounts and access to learners' data, on both providers: called inside the lifecycle suite
 * (db/lifecycle.suite.ts), which owns the migrated database. Not a test file itself.
 */
import { randomUUID } from "node:crypto";
import { expect, it } from "vitest";
import type { ImageReport } from "../lib/report";
import { claimLearner, getUserRole, listUsers, setUserRole, UnknownUserError, visibleLearnerId } from "./accounts";
import type { Db } from "./client";
import { ensureLearner } from "./learners";
import { getProgress } from "./progress";
import { createSubmission, finishSubmission, getLatestSubmission, getOwnSubmission, listSubmissions } from "./submissions";

const EX_A = "anatomy/split-the-build";
const EX_B = "monolithic-image/build-the-monolith";

export function accountsTests(getDb: () => Db, sampleReport: (sizeBytes: number) => ImageReport): void {
  async function newUser(): Promise<string> {
    const id = randomUUID();
    await getDb().user.create({ data: { id, name: "Ada", email: `ada-${id}@example.test` } });
    return id;
  }

  /** A finished, graded run; returns its id. */
  async function run(learnerId: string, exerciseId: string, state: "passed" | "failed", size?: number) {
    const id = randomUUID();
    await createSubmission(getDb(), { id, learnerId, exerciseId, dockerfile: `FROM scratch # ${id}` });
    const report = size === undefined ? undefined : sampleReport(size);
    await finishSubmission(getDb(), id, { state, durationMs: 1, report, checks: [] });
    return id;
  }

  it("sign-up links the anonymous learner: its runs and progress become the account's", async () => {
    const db = getDb();
    const userId = await newUser();
    const { id: anon } = await ensureLearner(db);
    const runId = await run(anon, EX_A, "passed", 5000);

    expect(await claimLearner(db, userId, anon)).toEqual({ learnerId: anon, carried: "linked" });
    expect((await db.learner.findUniqueOrThrow({ where: { id: anon } })).userId).toBe(userId);
    expect((await getLatestSubmission(db, anon, EX_A))?.id).toBe(runId);
    // Signing in again from the same browser changes nothing.
    expect(await claimLearner(db, userId, anon)).toEqual({ learnerId: anon, carried: "nothing" });
  });

  it("sign-in merges the anonymous learner into the account's: earliest pass, smallest image, attempts summed", async () => {
    const db = getDb();
    const userId = await newUser();
    const { learnerId: own } = await claimLearner(db, userId, null);
    await run(own, EX_A, "failed");
    await run(own, EX_A, "passed", 9000); // account: passed first, 9000 bytes, 2 attempts
    const ownPass = (await getProgress(db, own))[0]?.passedAt;

    const { id: anon } = await ensureLearner(db); // another device, before signing in
    await run(anon, EX_A, "passed", 4000); // anonymous: passed later, smaller, 1 attempt
    await run(anon, EX_B, "failed"); // an exercise the account never tried
    const anonRuns = await db.submission.findMany({ where: { learnerId: anon }, select: { id: true } });

    expect(await claimLearner(db, userId, anon)).toEqual({ learnerId: own, carried: "merged" });
    expect(await db.learner.findUnique({ where: { id: anon } })).toBeNull();
    const moved = await db.submission.findMany({ where: { id: { in: anonRuns.map((r) => r.id) } }, select: { learnerId: true } });
    expect(moved).toEqual([{ learnerId: own }, { learnerId: own }]);
    const rows = await db.progress.findMany({ where: { learnerId: own }, orderBy: { exerciseId: "asc" } });
    expect(rows.map((r) => [r.exerciseId, r.passedAt, r.bestImageBytes, r.attempts])).toEqual([
      [EX_A, ownPass, 4000n, 3],
      [EX_B, null, null, 1],
    ]);
  });

  it("a merge keeps the anonymous pass when the account had only failed", async () => {
    const db = getDb();
    const userId = await newUser();
    const { learnerId: own } = await claimLearner(db, userId, null);
    await run(own, EX_B, "failed");
    const { id: anon } = await ensureLearner(db);
    await run(anon, EX_B, "passed", 700);
    await claimLearner(db, userId, anon);
    expect(await getProgress(db, own)).toEqual([
      { exerciseId: EX_B, passedAt: expect.any(Date), bestImageBytes: 700, attempts: 2 },
    ]);
  });

  it("never claims or merges another account's learner, and creates the account's own instead", async () => {
    const db = getDb();
    const alice = await newUser();
    const bob = await newUser();
    const { learnerId: alices } = await claimLearner(db, alice, null);
    await run(alices, EX_A, "passed", 100);

    const claim = await claimLearner(db, bob, alices); // Alice's learner id left in the cookie
    expect(claim.carried).toBe("nothing");
    expect(claim.learnerId).not.toBe(alices);
    expect(await getProgress(db, claim.learnerId)).toEqual([]);
    expect((await db.learner.findUniqueOrThrow({ where: { id: alices } })).userId).toBe(alice);
    expect(await getProgress(db, alices)).toHaveLength(1);
  });

  it("a cookie naming an account's learner shows nothing when signed out and gets a fresh learner", async () => {
    const db = getDb();
    const userId = await newUser();
    const { learnerId: own } = await claimLearner(db, userId, null);
    await run(own, EX_A, "passed", 100);

    expect(await visibleLearnerId(db, null, own)).toBeNull(); // signed out, stale cookie
    expect(await visibleLearnerId(db, userId, null)).toBe(own); // signed in, any device
    expect(await visibleLearnerId(db, await newUser(), own)).toBeNull(); // someone else's account
    const { id: anon } = await ensureLearner(db);
    expect(await visibleLearnerId(db, null, anon)).toBe(anon);
    expect(await visibleLearnerId(db, null, null)).toBeNull();

    const fresh = await ensureLearner(db, own); // the runner-token route, signed out
    expect(fresh.id).not.toBe(own);
  });

  it("a learner reads only their own runs through the data functions pages use", async () => {
    const db = getDb();
    const { id: a } = await ensureLearner(db);
    const { id: b } = await ensureLearner(db);
    const aRun = await run(a, EX_A, "passed", 100);

    expect((await getOwnSubmission(db, a, aRun))?.id).toBe(aRun);
    expect(await getOwnSubmission(db, b, aRun)).toBeNull();
    expect(await getLatestSubmission(db, b, EX_A)).toBeNull();
    expect(await listSubmissions(db, b, EX_A)).toEqual([]);
    expect(await getProgress(db, b)).toEqual([]);
  });

  it("roles default to learner; an admin sets them by email or id; unknown users are a typed error", async () => {
    const db = getDb();
    const userId = await newUser();
    const { email } = await db.user.findUniqueOrThrow({ where: { id: userId } });
    expect(await getUserRole(db, userId)).toBe("learner");

    expect(await setUserRole(db, { email: `  ${email.toUpperCase()} ` }, "admin")).toMatchObject({ id: userId, role: "admin" });
    expect(await getUserRole(db, userId)).toBe("admin");
    expect(await setUserRole(db, { id: userId }, "instructor")).toMatchObject({ role: "instructor" });
    expect((await listUsers(db)).find((u) => u.id === userId)?.role).toBe("instructor");

    await expect(setUserRole(db, { email: "nobody@example.test" }, "admin")).rejects.toThrow(UnknownUserError);
    expect(await getUserRole(db, randomUUID())).toBeNull();
  });
}
