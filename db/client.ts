/**
 * Opens a Prisma client for a `DATABASE_URL`: SQLite through better-sqlite3 or PostgreSQL
 * through pg. Prisma bakes the provider (and its query compiler) into a generated client, so
 * there are two generated clients (`npm run db:generate`) with the same models.
 */
import Database from "better-sqlite3";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient as SqliteClient } from "../generated/prisma/sqlite/client";
import { PrismaClient as PostgresClient } from "../generated/prisma/postgres/client";
import { ensureSqliteDir, parseDatabaseUrl, type DatabaseTarget } from "./database-url";

/**
 * The client type the rest of the code sees. Both generated clients come from one model file
 * (prisma/schema.base.prisma), so their model APIs match; the SQLite client's type stands for
 * both. The same lifecycle tests run against both providers to keep that claim honest.
 */
export type Db = SqliteClient;

export function createDb(url: string | undefined): { db: Db; target: DatabaseTarget } {
  const target = parseDatabaseUrl(url);
  if (target.provider === "sqlite") {
    ensureSqliteDir(target);
    useWriteAheadLog(target.file);
    // better-sqlite3's default 5 s busy timeout waits out the other process's short writes.
    const adapter = new PrismaBetterSQLite3({ url: target.file });
    return { db: new SqliteClient({ adapter }), target };
  }
  const adapter = new PrismaPg({ connectionString: target.url });
  return { db: new PostgresClient({ adapter }) as unknown as Db, target };
}

/**
 * The web app and the runner are two processes on one SQLite file; in WAL mode page loads keep
 * reading while the runner writes. The mode is stored in the file, so setting it once is enough.
 */
function useWriteAheadLog(file: string): void {
  const db = new Database(file);
  try {
    db.pragma("journal_mode = WAL");
  } finally {
    db.close();
  }
}
