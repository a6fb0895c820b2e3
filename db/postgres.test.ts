/**
 * The lifecycle suite against PostgreSQL. Runs when TEST_POSTGRES_URL names a throwaway
 * database (its `public` schema is dropped and re-migrated); see prisma/README.md for CI setup.
 */
import { describe, it } from "vitest";
import { defineLifecycleSuite } from "./lifecycle.suite";

const url = process.env.TEST_POSTGRES_URL;

if (!url) {
  console.warn("db/postgres.test.ts: PostgreSQL suite skipped because TEST_POSTGRES_URL is not set");
  describe("database on PostgreSQL", () => {
    it.skip("skipped: set TEST_POSTGRES_URL=postgresql://user:pass@host/db (a database the test may wipe)", () => {});
  });
} else {
  defineLifecycleSuite("database on PostgreSQL", {
    url: () => url,
    async reset(db) {
      await db.$executeRawUnsafe("DROP SCHEMA IF EXISTS public CASCADE");
      await db.$executeRawUnsafe("CREATE SCHEMA public");
    },
  });
}
