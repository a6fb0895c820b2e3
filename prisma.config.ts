/**
 * Prisma CLI configuration. `DATABASE_URL`'s scheme picks the schema (and with it the migrations
 * folder) and the driver adapter: `file:` → prisma/sqlite + better-sqlite3, `postgres(ql)://` →
 * prisma/postgres + pg. `engine: "js"` runs the wasm schema engine through that adapter, so no
 * engine binary is ever downloaded (DESIGN.md §8).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { ensureSqliteDir, parseDatabaseUrl, schemaDir } from "./db/database-url";

// With a config file Prisma stops loading `.env` itself; read it so `db:migrate` sees the same
// DATABASE_URL as the app. Variables already set win (loadEnvFile never overrides).
if (existsSync(".env")) process.loadEnvFile(".env");

// The CLI's update check is a network call; Stagecraft's installs and CI run offline.
process.env.CHECKPOINT_DISABLE ??= "1";

const target = parseDatabaseUrl(process.env.DATABASE_URL);

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join(schemaDir(target), "schema.prisma"),
  async adapter() {
    if (target.provider === "sqlite") {
      ensureSqliteDir(target);
      const { PrismaBetterSQLite3 } = await import("@prisma/adapter-better-sqlite3");
      return new PrismaBetterSQLite3({ url: target.file });
    }
    const { PrismaPg } = await import("@prisma/adapter-pg");
    const { CatalogTypesClient } = await import("./db/pg-catalog-types");
    // Note: on PostgreSQL `migrate deploy` lingers ~10 s after finishing: the wasm engine arms a
    // 10 s timer around its advisory lock and never clears it. Harmless, just slow.
    return new PrismaPg({ connectionString: target.url, Client: CatalogTypesClient });
  },
});
