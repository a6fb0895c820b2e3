/**
 * Adds a migration for both providers after `prisma/schema.base.prisma` changed:
 *
 *   npm run db:migration -- <name>        e.g. npm run db:migration -- add-hints-seen
 *
 * `prisma migrate dev` cannot run here (it needs engine binaries and a shadow database), and
 * `migrate diff --from-migrations` is refused with a driver adapter (DESIGN.md §8). So each
 * provider keeps a snapshot of the schema its migrations produce (`prisma/<provider>/
 * migrated-schema.snapshot`) and the new migration is the diff snapshot → current schema.
 * Review the SQL before committing: Prisma's diff drops and recreates what it cannot alter.
 */
import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PROVIDERS, migratedSnapshotPath, schemaPath, type Provider } from "./db-generate-schemas";

const root = path.resolve(import.meta.dirname, "..");

function diffScript(provider: Provider): string {
  const snapshot = migratedSnapshotPath(provider);
  const from = existsSync(snapshot) ? ["--from-schema-datamodel", snapshot] : ["--from-empty"];
  return execFileSync(
    path.join(root, "node_modules", ".bin", "prisma"),
    ["migrate", "diff", ...from, "--to-schema-datamodel", schemaPath(provider), "--script"],
    { cwd: root, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1" } },
  );
}

function timestamp(now = new Date()): string {
  return now.toISOString().replace(/[-:T]/g, "").slice(0, 14); // 20261127053000, Prisma's format
}

function main(): void {
  const name = process.argv[2];
  if (!name || !/^[a-z0-9][a-z0-9_-]*$/.test(name)) {
    console.error("usage: npm run db:migration -- <name>   (lowercase, digits, - and _)");
    process.exit(1);
  }
  execFileSync(process.execPath, ["--import", "tsx", path.join(root, "scripts", "db-generate-schemas.ts")], {
    cwd: root,
    stdio: "inherit",
  });
  const stamp = timestamp();
  for (const provider of PROVIDERS) {
    const sql = diffScript(provider);
    if (!/^\s*(CREATE|ALTER|DROP|INSERT|PRAGMA|UPDATE|DELETE)/im.test(sql)) {
      console.log(`${provider}: no changes`);
      continue;
    }
    const migrations = path.join(root, "prisma", provider, "migrations");
    const dir = path.join(migrations, `${stamp}_${name}`);
    mkdirSync(dir, { recursive: true });
    writeFileSync(path.join(dir, "migration.sql"), sql);
    const lock = path.join(migrations, "migration_lock.toml");
    if (!existsSync(lock)) {
      const lockProvider = provider === "postgres" ? "postgresql" : "sqlite";
      writeFileSync(lock, `# Written by scripts/db-new-migration.ts; keeps deploy on the right provider.\nprovider = "${lockProvider}"\n`);
    }
    copyFileSync(schemaPath(provider), migratedSnapshotPath(provider));
    console.log(`${provider}: wrote ${path.relative(root, dir)}/migration.sql`);
  }
}

main();
