import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { createDb, type Db } from "../db/client";
import { migrateDeploy } from "../db/migrate-deploy";
import { main } from "./user-role";

const dir = mkdtempSync(path.join(tmpdir(), "stagecraft-user-role-"));
const url = `file:${path.join(dir, "roles.db")}`;

/** One connection at a time: the command opens its own, as it does when an operator runs it. */
async function withDb<T>(use: (db: Db) => Promise<T>): Promise<T> {
  const { db } = createDb(url);
  try {
    return await use(db);
  } finally {
    await db.$disconnect();
  }
}
const roleOfGrace = () => withDb(async (db) => (await db.user.findUniqueOrThrow({ where: { id: "u1" } })).role);

beforeAll(async () => {
  migrateDeploy(url);
  await withDb((db) => db.user.create({ data: { id: "u1", name: "Grace", email: "grace@example.test" } }));
  vi.stubEnv("DATABASE_URL", url);
}, 60_000);

afterAll(() => {
  vi.unstubAllEnvs();
  rmSync(dir, { recursive: true, force: true });
});

describe("npm run user:role", () => {
  it("makes the first admin by email", async () => {
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await main(["Grace@Example.test", "admin"])).toBe(0);
    expect(log).toHaveBeenCalledWith("grace@example.test (Grace) is now admin.");
    expect(await roleOfGrace()).toBe("admin");
  });

  it("says to sign up first for an unknown email, and shows usage for a bad role", async () => {
    const error = vi.spyOn(console, "error").mockImplementation(() => {});
    expect(await main(["nobody@example.test", "admin"])).toBe(1);
    expect(error).toHaveBeenLastCalledWith("no account with email nobody@example.test: sign up in the app first (/sign-up), then run this again.");
    expect(await main(["grace@example.test", "root"])).toBe(2);
    expect(error).toHaveBeenLastCalledWith("usage: npm run user:role -- <email> <learner|instructor|admin>");
    expect(await roleOfGrace()).toBe("admin");
  });
});
