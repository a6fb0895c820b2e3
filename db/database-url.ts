/**
 * Reads `DATABASE_URL` into the provider it selects. Shared by `prisma.config.ts` (the CLI) and
 * `db/client.ts` (the app), so both always agree on schema, migrations and driver adapter.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";

/** Same default as `lib/env-schema.ts`; repeated here because the Prisma CLI reads no app env. */
export const DEFAULT_DATABASE_URL = "file:./.data/stagecraft.db";

export type DatabaseTarget =
  | { provider: "sqlite"; url: string; /** Absolute path of the database file. */ file: string }
  | { provider: "postgres"; url: string };

export function parseDatabaseUrl(raw: string | undefined, cwd = process.cwd()): DatabaseTarget {
  const url = raw?.trim() || DEFAULT_DATABASE_URL;
  if (url.startsWith("file:")) {
    // Prisma's `file:` URLs are paths, not RFC 8089 URLs: `file:./x.db` is relative to the
    // working directory (with driver adapters there is no schema-relative resolution).
    const rest = url.slice("file:".length).replace(/^\/\/(?=\/)/, "").split("?")[0] ?? "";
    if (rest === "" || rest === ":memory:") {
      throw new Error(`DATABASE_URL "${url}" names no database file (in-memory SQLite is not supported)`);
    }
    return { provider: "sqlite", url, file: path.resolve(cwd, rest) };
  }
  if (/^postgres(ql)?:\/\//.test(url)) return { provider: "postgres", url };
  throw new Error(
    `DATABASE_URL must start with "file:" (SQLite) or "postgres://" / "postgresql://" (PostgreSQL); got "${url.split(":")[0]}:…"`,
  );
}

/** The folder holding this provider's generated schema and migrations. */
export function schemaDir(target: DatabaseTarget): string {
  return path.join("prisma", target.provider);
}

/** SQLite will not create missing folders; make `.data/` (or wherever the file lives). */
export function ensureSqliteDir(target: DatabaseTarget): void {
  if (target.provider === "sqlite") mkdirSync(path.dirname(target.file), { recursive: true });
}
