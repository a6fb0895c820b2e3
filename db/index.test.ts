import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
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

describe("the accounts migration on SQLite", () => {
  it("keeps existing anonymous learners, their runs and progress while it rebuilds the Learner table", () => {
    const migrations = path.join(import.meta.dirname, "..", "prisma", "sqlite", "migrations");
    const sql = (name: string) => readFileSync(path.join(migrations, name, "migration.sql"), "utf8");
    const file = new Database(path.join(dir, "upgrade.db"));
    try {
      file.exec(sql("20261127051945_init"));
      file.exec(`INSERT INTO "Learner" ("id") VALUES ('learner-before-accounts');
        INSERT INTO "Submission" ("id", "learnerId", "exerciseId", "dockerfile", "state") VALUES ('run-1', 'learner-before-accounts', 'a/b', 'FROM x', 'passed');
        INSERT INTO "Progress" ("learnerId", "exerciseId", "attempts", "updatedAt") VALUES ('learner-before-accounts', 'a/b', 2, 0);`);
      file.exec(sql("20261127100620_accounts-and-classes"));
      expect(file.prepare(`SELECT "id", "userId" FROM "Learner"`).all()).toEqual([{ id: "learner-before-accounts", userId: null }]);
      expect(file.prepare(`SELECT "learnerId" FROM "Submission"`).all()).toEqual([{ learnerId: "learner-before-accounts" }]);
      expect(file.prepare(`SELECT "attempts" FROM "Progress"`).all()).toEqual([{ attempts: 2 }]);
      expect(file.pragma("foreign_key_check")).toEqual([]);
    } finally {
      file.close();
    }
  });
});
