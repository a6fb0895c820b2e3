/**
 * Applies the committed migrations with the real Prisma CLI, exactly as `npm run db:migrate`
 * does. Used by tests that need a real, migrated database (db suites, runner engine tests,
 * browser tests).
 */
import { execFileSync } from "node:child_process";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

export function migrateDeploy(databaseUrl: string): void {
  execFileSync(path.join(root, "node_modules", ".bin", "prisma"), ["migrate", "deploy"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, CHECKPOINT_DISABLE: "1", PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: "pipe",
  });
}
