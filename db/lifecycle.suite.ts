/**
 * The database behaviour both providers must show, as one suite: `index.test.ts` runs it on a
 * temporary SQLite file, `postgres.test.ts` on PostgreSQL. Not a test file itself.
 */
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult } from "../lib/checks";
import type { ImageReport } from "../lib/report";
import { createDb, type Db } from "./client";
import { accountsTests } from "./accounts.suite";
import { dashboardTests } from "./dashboard.suite";
import { DbDataError } from "./json-column";
import { ensureLearner } from "./learners";
import { migrateDeploy } from "./migrate-deploy";
import { getProgress } from "./progress";
import {
  createSubmission,
  finishSubmission,
  getLatestSubmission,
  listSubmissions,
  INTERRUPTED_MESSAGE,
  markInterruptedSubmissions,
  oldestUnfinishedSubmission,
  markSubmissionRunning,
} from "./submissions";


export function sampleReport(sizeBytes: number): ImageReport {
  return {
    sizeBytes,
    layers: [
      { instruction: "COPY /out/app /app # buildkit", sizeBytes: 1_234_567, fromBase: false, empty: false },
      { instruction: 'CMD ["/app"]', sizeBytes: 0, fromBase: false, empty: true },
    ],
    config: {
      user: "app",
      cmd: ["/app"],
      entrypoint: null,
      cmdForm: "exec",
      healthcheck: null,
      exposedPorts: ["8080/tcp"],
      envNames: ["PATH"],
      workdir: "/",
    },
    stages: [
      { index: 0, name: "build", base: "stagecraft/golang:1.19", copiesFrom: [], built: true },
      { index: 1, name: null, base: "stagecraft/debian:bookworm-slim", copiesFrom: ["build"], built: true },
    ],
    platform: "linux/amd64",
  };
}

export const sampleChecks: CheckResult[] = [
  { checkId: "builds", kind: "build-succeeds", title: "It builds", status: "pass", message: "built in 3.2 s — ✓ ünïcødé" },
  {
    checkId: "small",
    kind: "image-size",
    title: "Small image",
    status: "fail",
    message: "final image is 412 MB; the budget is 40 MB",
    hint: "Copy only the binary.",
    link: "/lessons/anatomy#copy-from",
  },
];

export type SuiteTarget = {
  /** A DATABASE_URL whose database the suite may wipe and migrate. */
  url: () => string;
  /** Empties the database before migrating (PostgreSQL); SQLite uses a fresh file. */
  reset?: (db: Db) => Promise<void>;
};

export function defineLifecycleSuite(name: string, target: SuiteTarget, enabled = true): void {
  describe.skipIf(!enabled)(name, () => {
    let db: Db;

    beforeAll(async () => {
      db = createDb(target.url()).db;
      await target.reset?.(db);
      migrateDeploy(target.url());
    }, 120_000);

    afterAll(async () => {
      await db?.$disconnect();
    });

    async function newSubmission(learnerId: string, exerciseId = "anatomy/split-the-build") {
      const id = randomUUID();
      await createSubmission(db, { id, learnerId, exerciseId, dockerfile: "FROM stagecraft/busybox:1.35\n" });
      return id;
    }

    async function state(id: string) {
      return (await db.submission.findUniqueOrThrow({ where: { id } })).state;
    }

    it("migrations apply, and applying them again is a no-op", () => {
      expect(() => migrateDeploy(target.url())).not.toThrow();
    }, 60_000); // PostgreSQL deploys linger ~10 s (see prisma.config.ts)

    it("ensureLearner creates a learner, keeps a known id and replaces a malformed one", async () => {
      const created = await ensureLearner(db);
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(await ensureLearner(db, created.id)).toEqual(created);

      const remembered = `cookie-${randomUUID()}`;
      expect(await ensureLearner(db, remembered)).toEqual({ id: remembered });

      const replaced = await ensureLearner(db, "x; DROP TABLE");
      expect(replaced.id).not.toBe("x; DROP TABLE");
      expect(await db.learner.count({ where: { id: { in: [created.id, remembered, replaced.id] } } })).toBe(3);
    });

    it("runs a submission through queued → running → passed and stores its result", async () => {
      const { id: learnerId } = await ensureLearner(db);
      const id = await newSubmission(learnerId);
      expect(await state(id)).toBe("queued");

      await markSubmissionRunning(db, id);
      const running = await db.submission.findUniqueOrThrow({ where: { id } });
      expect(running.state).toBe("running");
      expect(running.startedAt).toBeInstanceOf(Date);

      const applied = await finishSubmission(db, id, {
        state: "passed",
        durationMs: 4321.6,
        buildMs: 3000,
        report: sampleReport(7_340_032),
        checks: sampleChecks,
        log: "#1 [build 1/3] FROM stagecraft/golang:1.19\n#1 DONE 0.1s\n",
      });
      expect(applied).toBe(true);

      const latest = await getLatestSubmission(db, learnerId, "anatomy/split-the-build");
      expect(latest).toMatchObject({ id, state: "passed", durationMs: 4322, dockerfile: "FROM stagecraft/busybox:1.35\n" });
      // JSON columns come back exactly as written, parsed and typed.
      expect(latest?.result?.report).toEqual(sampleReport(7_340_032));
      expect(latest?.result?.checks).toEqual(sampleChecks);
      expect(latest?.result?.log).toContain("DONE 0.1s");
      expect(await getProgress(db, learnerId)).toEqual([
        { exerciseId: "anatomy/split-the-build", passedAt: expect.any(Date), bestImageBytes: 7_340_032, attempts: 1 },
      ]);
    });

    it("never moves a finished submission again", async () => {
      const { id: learnerId } = await ensureLearner(db);
      const id = await newSubmission(learnerId);
      expect(await finishSubmission(db, id, { state: "cancelled", durationMs: 10 })).toBe(true);

      expect(await finishSubmission(db, id, { state: "passed", durationMs: 20, report: sampleReport(1), checks: sampleChecks })).toBe(false);
      await markSubmissionRunning(db, id);
      expect(await state(id)).toBe("cancelled");
      expect(await db.submission.findUniqueOrThrow({ where: { id } })).toMatchObject({ durationMs: 10, startedAt: null });
      // The rejected finish wrote no result and no progress.
      expect((await getLatestSubmission(db, learnerId, "anatomy/split-the-build"))?.result?.checks).toEqual([]);
      expect(await getProgress(db, learnerId)).toEqual([]);
      expect(await finishSubmission(db, randomUUID(), { state: "failed", durationMs: 1 })).toBe(false);
    });

    it("marks every unfinished submission interrupted and leaves finished ones alone", async () => {
      // Other tests in this file leave nothing unfinished, so the count is exact.
      const { id: learnerId } = await ensureLearner(db);
      const queued = await newSubmission(learnerId);
      const running = await newSubmission(learnerId);
      await markSubmissionRunning(db, running);
      const done = await newSubmission(learnerId);
      await finishSubmission(db, done, { state: "failed", durationMs: 5, errorCode: "build_failed", errorMessage: "exit 1" });

      // Where the crashed runner's work began: the oldest unfinished submission, for the engine sweep.
      const created = await db.submission.findUniqueOrThrow({ where: { id: queued }, select: { createdAt: true } });
      expect(await oldestUnfinishedSubmission(db)).toEqual(created.createdAt);
      expect(await markInterruptedSubmissions(db, new Date(0))).toBe(0); // none is older than that
      expect(await markInterruptedSubmissions(db)).toBe(2);
      expect([await state(queued), await state(running), await state(done)]).toEqual(["interrupted", "interrupted", "failed"]);
      const interrupted = await db.submission.findUniqueOrThrow({ where: { id: running } });
      expect(interrupted).toMatchObject({ errorCode: "runner_restarted", errorMessage: INTERRUPTED_MESSAGE });
      expect(interrupted.dockerfile).not.toBe("");
      expect(await markInterruptedSubmissions(db)).toBe(0);
      expect(await oldestUnfinishedSubmission(db)).toBeNull();
    });

    it("keeps the first pass time and the smallest passing image, counting graded runs", async () => {
      const { id: learnerId } = await ensureLearner(db);
      const exerciseId = "monolithic-image/build-the-monolith";
      const finish = async (state: "passed" | "failed" | "error", size?: number) => {
        const id = await newSubmission(learnerId, exerciseId);
        await finishSubmission(db, id, { state, durationMs: 1, report: size === undefined ? undefined : sampleReport(size), checks: [] });
      };
      await finish("failed", 900);
      expect(await getProgress(db, learnerId)).toEqual([]); // attempted, not passed
      await finish("passed", 500);
      const [first] = await getProgress(db, learnerId);
      await finish("passed", 3_000_000_000); // > 2^31: needs the BigInt column
      await finish("passed", 300);
      await finish("error");
      await finish("passed", 400);
      expect(await getProgress(db, learnerId)).toEqual([
        { exerciseId, passedAt: first?.passedAt, bestImageBytes: 300, attempts: 5 },
      ]);
    });

    it("returns the newest submission and lists recent ones newest first", async () => {
      const { id: learnerId } = await ensureLearner(db);
      const older = await newSubmission(learnerId);
      const start = Date.now();
      while (Date.now() === start) {
        // createdAt has millisecond precision; make the two rows' order unambiguous.
      }
      const newer = await newSubmission(learnerId);
      expect((await getLatestSubmission(db, learnerId, "anatomy/split-the-build"))?.id).toBe(newer);
      expect((await getLatestSubmission(db, learnerId, "anatomy/split-the-build"))?.result).toBeNull();
      expect((await listSubmissions(db, learnerId, "anatomy/split-the-build")).map((s) => s.id)).toEqual([newer, older]);
      expect(await getLatestSubmission(db, learnerId, "no/such-exercise")).toBeNull();
      await markInterruptedSubmissions(db);
    });

    it("creates the learner row for a submission whose learner is unknown, and refuses a reused run id", async () => {
      const learnerId = `runner-${randomUUID()}`;
      const id = await newSubmission(learnerId);
      expect(await db.learner.findUnique({ where: { id: learnerId } })).not.toBeNull();
      await expect(
        createSubmission(db, { id, learnerId, exerciseId: "anatomy/split-the-build", dockerfile: "FROM x" }),
      ).rejects.toThrow();
      await finishSubmission(db, id, { state: "cancelled", durationMs: 0 });
    });

    it("stores NUL characters from build output without failing", async () => {
      const { id: learnerId } = await ensureLearner(db);
      const id = await newSubmission(learnerId);
      const checks: CheckResult[] = [{ checkId: "out", kind: "container-output", title: "Output", status: "fail", message: "got a\u0000b" }];
      await finishSubmission(db, id, { state: "failed", durationMs: 1, checks, log: "bin\u0000ary", errorMessage: "x\u0000y" });
      const latest = await getLatestSubmission(db, learnerId, "anatomy/split-the-build");
      expect(latest?.result?.log).toBe("binary");
      expect(latest?.result?.checks[0]?.message).toBe("got ab");
    });

    it("rejects a result that does not match the schemas before writing anything", async () => {
      const { id: learnerId } = await ensureLearner(db);
      const id = await newSubmission(learnerId);
      const badReport = { ...sampleReport(1), sizeBytes: -1 };
      await expect(finishSubmission(db, id, { state: "passed", durationMs: 1, report: badReport })).rejects.toThrow();
      expect(await state(id)).toBe("queued");
      await finishSubmission(db, id, { state: "cancelled", durationMs: 1 });
    });

    it("names the row and column when a JSON column holds the wrong shape", async () => {
      const { id: learnerId } = await ensureLearner(db);
      const id = await newSubmission(learnerId);
      await finishSubmission(db, id, { state: "failed", durationMs: 1, checks: sampleChecks });
      await db.$executeRawUnsafe(`UPDATE "Result" SET "checks" = '[{"checkId": 7}]' WHERE "submissionId" = '${id}'`);

      const read = getLatestSubmission(db, learnerId, "anatomy/split-the-build");
      await expect(read).rejects.toThrow(DbDataError);
      await expect(read).rejects.toThrow(`Result ${id} column "checks"`);
    });

    accountsTests(() => db, sampleReport);
    dashboardTests(() => db, sampleReport, sampleChecks);
  });
}
