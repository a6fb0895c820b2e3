/**
 * Dashboard, class and leaderboard reads on both providers: called inside the lifecycle suite
 * (db/lifecycle.suite.ts), which owns the migrated database. Not a test file itself.
 */
import { randomUUID } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../lib/checks";
import type { ImageReport } from "../lib/report";
import { ClassNameError, createClass, findClassByInvite, getOwnedClass, INVITE_CODE, joinClass, listJoinedClasses, listOwnedClasses, newInviteCode } from "./classes";
import type { Db } from "./client";
import { latestExerciseId, listClassRuns, listRuns, listStanding, starterImageSizes } from "./dashboard";
import { ensureLearner } from "./learners";
import { DisplayNameError, getLeaderboardChoice, leaderboardRuns, setLeaderboardChoice } from "./leaderboard";
import { createSubmission, finishSubmission, getOwnSubmission } from "./submissions";

export function dashboardTests(getDb: () => Db, sampleReport: (sizeBytes: number) => ImageReport, sampleChecks: CheckResult[]): void {
  let db: Db;
  beforeAll(() => {
    db = getDb();
  });

  async function finished(learnerId: string, exerciseId: string, state: "passed" | "failed" | "cancelled", size?: number, dockerfile = "FROM x\n") {
    const id = randomUUID();
    await createSubmission(db, { id, learnerId, exerciseId, dockerfile });
    await finishSubmission(db, id, { state, durationMs: 1200, report: size === undefined ? undefined : sampleReport(size), checks: sampleChecks, log: `log of ${id}` });
    return id;
  }

  describe("learner dashboard data", () => {
    it("reads a run only for the learner who made it", async () => {
      const { id: ann } = await ensureLearner(db);
      const { id: bo } = await ensureLearner(db);
      const run = await finished(ann, "a/x", "passed", 4096);
      expect(await getOwnSubmission(db, ann, run)).toMatchObject({ id: run, state: "passed", result: { log: `log of ${run}`, report: sampleReport(4096) } });
      expect(await getOwnSubmission(db, bo, run)).toBeNull();
      expect(await getOwnSubmission(db, ann, randomUUID())).toBeNull();
    });

    it("pages a learner's runs newest first with their image sizes, and only theirs", async () => {
      const { id: ann } = await ensureLearner(db);
      const { id: bo } = await ensureLearner(db);
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        ids.push(await finished(ann, i < 3 ? "a/x" : "b/y", i % 2 ? "failed" : "passed", i === 1 ? undefined : 1000 + i));
        const t = Date.now();
        while (Date.now() === t) {
          // distinct createdAt milliseconds keep the order unambiguous
        }
      }
      await finished(bo, "a/x", "passed", 1);

      const first = await listRuns(db, ann, 1, 2);
      expect(first).toMatchObject({ total: 5, page: 1, pageCount: 3 });
      expect(first.runs.map((r) => r.id)).toEqual([ids[4], ids[3]]);
      expect(first.runs[0]).toMatchObject({ exerciseId: "b/y", state: "passed", imageBytes: 1004, durationMs: 1200 });
      const last = await listRuns(db, ann, 3, 2);
      expect(last.runs.map((r) => r.id)).toEqual([ids[0]]);
      // Out-of-range pages clamp rather than show an empty page.
      expect((await listRuns(db, ann, 99, 2)).page).toBe(3);
      expect((await listRuns(db, ann, -1, 2)).page).toBe(1);
      expect((await listRuns(db, ann, 2, 2)).runs.find((r) => r.id === ids[1])?.imageBytes).toBeNull();

      expect(await latestExerciseId(db, ann)).toBe("b/y");
      const standing = await listStanding(db, [ann]);
      expect(standing.find((s) => s.exerciseId === "a/x")).toMatchObject({ attempts: 3, bestImageBytes: 1000 });
    });

    it("finds the starter's image size from a run of the unchanged starter", async () => {
      const { id: ann } = await ensureLearner(db);
      const starter = `FROM stagecraft/golang:1.19 # ${randomUUID()}\n`;
      await finished(ann, "s/one", "failed", 999_999, starter);
      await finished(ann, "s/one", "passed", 10, `${starter}RUN true\n`); // edited: not the starter
      const sizes = await starterImageSizes(db, [
        { exerciseId: "s/one", dockerfile: starter },
        { exerciseId: "s/two", dockerfile: starter },
      ]);
      expect([...sizes]).toEqual([["s/one", 999_999]]);
    });

    it("lists a class's runs with each run's failing checks and image size", async () => {
      const { id: ann } = await ensureLearner(db);
      const failed = await finished(ann, "c/z", "failed", 2048);
      const runs = await listClassRuns(db, [ann]);
      expect(runs.find((r) => r.id === failed)).toMatchObject({
        learnerId: ann,
        exerciseId: "c/z",
        state: "failed",
        imageBytes: 2048,
        failedChecks: [{ checkId: "small", title: "Small image" }],
      });
      expect(await listClassRuns(db, [])).toEqual([]);
    });
  });

  async function newUser(name = "Ada", role: "learner" | "instructor" = "learner") {
    const id = randomUUID();
    await db.user.create({ data: { id, name, email: `${id}@example.test`, role } });
    return id;
  }

  /** A user with a learner (as after sign-up) */
  async function newLearnerUser(name: string) {
    const userId = await newUser(name);
    const { id: learnerId } = await db.learner.create({ data: { id: randomUUID(), userId } });
    return { userId, learnerId };
  }

  describe("classes", () => {
    it("invite codes are 10 unambiguous characters", () => {
      const codes = new Set(Array.from({ length: 200 }, newInviteCode));
      expect(codes.size).toBe(200);
      for (const c of codes) expect(c).toMatch(INVITE_CODE);
    });

    it("an instructor creates a class, a learner joins it by code (twice is harmless)", async () => {
      const teacher = await newUser("Teach", "instructor");
      const made = await createClass(db, teacher, "  Docker   101 ");
      expect(made).toMatchObject({ name: "Docker 101", members: 0 });
      await expect(createClass(db, teacher, "   ")).rejects.toThrow(ClassNameError);
      await expect(createClass(db, teacher, "x".repeat(81))).rejects.toThrow(ClassNameError);

      const ann = await newLearnerUser("Ann");
      expect(await findClassByInvite(db, made.inviteCode.toLowerCase())).toEqual({ id: made.id, name: "Docker 101", teacher: "Teach" });
      expect(await joinClass(db, ann.userId, made.inviteCode)).toEqual({ id: made.id, name: "Docker 101" });
      expect(await joinClass(db, ann.userId, made.inviteCode)).toEqual({ id: made.id, name: "Docker 101" });
      expect(await joinClass(db, ann.userId, "NOTACODE22")).toBeNull();
      expect(await joinClass(db, ann.userId, "'; DROP")).toBeNull();
      expect(await listJoinedClasses(db, ann.userId)).toEqual([{ id: made.id, name: "Docker 101" }]);

      expect((await listOwnedClasses(db, teacher)).map((c) => [c.id, c.members])).toEqual([[made.id, 1]]);
      const view = await getOwnedClass(db, teacher, made.id);
      expect(view?.members).toEqual([{ userId: ann.userId, name: "Ann", email: `${ann.userId}@example.test`, joinedAt: expect.any(Date), learnerId: ann.learnerId }]);
    });

    it("an instructor sees only their own classes and their learners", async () => {
      const mine = await newUser("Mine", "instructor");
      const other = await newUser("Other", "instructor");
      const otherClass = await createClass(db, other, "Not yours");
      const bo = await newLearnerUser("Bo");
      await joinClass(db, bo.userId, otherClass.inviteCode);

      expect(await getOwnedClass(db, mine, otherClass.id)).toBeNull();
      expect(await listOwnedClasses(db, mine)).toEqual([]);
      expect((await getOwnedClass(db, other, otherClass.id))?.members.map((m) => m.userId)).toEqual([bo.userId]);
    });
  });

  describe("leaderboard data", () => {
    it("lists passing runs of opted-in learners only, with display names and never emails", async () => {
      const exerciseId = `lb/${randomUUID()}`;
      const ann = await newLearnerUser("Ann Real-Name");
      const bo = await newLearnerUser("Bo");
      const { id: anonymous } = await ensureLearner(db);
      await setLeaderboardChoice(db, ann.userId, true, "  Speedy  ");
      await setLeaderboardChoice(db, bo.userId, false, "Hidden");
      await expect(setLeaderboardChoice(db, bo.userId, true, "x".repeat(41))).rejects.toThrow(DisplayNameError);
      expect(await getLeaderboardChoice(db, ann.userId)).toEqual({ optIn: true, displayName: "Speedy" });

      await finished(ann.learnerId, exerciseId, "passed", 700);
      await finished(ann.learnerId, exerciseId, "failed", 10); // failing runs never count
      await finished(bo.learnerId, exerciseId, "passed", 1);
      await finished(anonymous, exerciseId, "passed", 1);

      const { runs, names } = await leaderboardRuns(db, exerciseId);
      expect(runs).toEqual([{ learnerId: ann.learnerId, imageBytes: 700, at: expect.any(Date) }]);
      expect([...names]).toEqual([[ann.learnerId, "Speedy"]]);

      await setLeaderboardChoice(db, ann.userId, true, "   ");
      expect([...(await leaderboardRuns(db, exerciseId)).names]).toEqual([[ann.learnerId, null]]);
    });
  });
}
