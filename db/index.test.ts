import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { createDb } from "./client";
import { DbDataError } from "./json-column";
import { defineLifecycleSuite, sampleChecks } from "./lifecycle.suite";
import { migrateDeploy } from "./migrate-deploy";
import { ensureLearner } from "./learners";
import { capLog, createSubmission, finishSubmission, getLatestSubmission } from "./submissions";

const dir = mkdtempSync(path.join(tmpdir(), "stagecraft-db-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

defineLifecycleSuite("database on SQLite", { url: () => `file:${path.join(dir, "lifecycle.db")}` });

describe("SQLite specifics", () => {
  it("creates the database folder and reports malformed JSON text as a data error", async () => {
    const url = `file:${path.join(dir, "nested", "folder", "raw.db")}`;
    const { db } = createDb(url); // the folder does not exist yet
    migrateDeploy(url);
    try {
      const { id: learnerId } = await ensureLearner(db);
      const id = crypto.randomUUID();
      await createSubmission(db, { id, learnerId, exerciseId: "a/b", dockerfile: "FROM x" });
      await finishSubmission(db, id, { state: "failed", durationMs: 1, checks: sampleChecks });
      // SQLite stores Json as text, so a hand edit can leave text that is not JSON at all.
      await db.$executeRawUnsafe(`UPDATE "Result" SET "report" = 'not json {' WHERE "submissionId" = '${id}'`);
      const read = getLatestSubmission(db, learnerId, "a/b");
      await expect(read).rejects.toThrow(DbDataError);
      await expect(read).rejects.toThrow(`Result ${id} holds a JSON column that is not valid JSON`);
    } finally {
      await db.$disconnect();
    }
  }, 60_000); // runs the Prisma CLI
});

describe("capLog", () => {
  it("keeps short logs whole", () => {
    expect(capLog("hello")).toEqual({ text: "hello", truncated: false });
  });

  it("keeps the tail of long logs and never splits a character", () => {
    const log = `${"é".repeat(10)}END`; // é is two bytes
    const capped = capLog(log, 8);
    expect(capped.truncated).toBe(true);
    expect(capped.text).toBe("ééEND");
    expect(Buffer.byteLength(capped.text)).toBeLessThanOrEqual(8);
  });
});
