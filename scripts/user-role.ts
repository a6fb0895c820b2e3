/**
 * `npm run user:role -- <email> <learner|instructor|admin>`
 *
 * Sets an account's role from the operator's shell: how the first admin is made (after that,
 * admins change roles on /admin/users). The account must exist: sign up in the app first.
 * Uses the same DATABASE_URL as the app (`.env` is read when present).
 */
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { setUserRole, UnknownUserError } from "../db/accounts";
import { createDb } from "../db/client";
import { Role, ROLES } from "../lib/roles";

const USAGE = `usage: npm run user:role -- <email> <${ROLES.join("|")}>`;

export async function main(argv: string[]): Promise<number> {
  const [email, roleName, ...extra] = argv;
  const role = Role.safeParse(roleName);
  if (!email || !email.includes("@") || !role.success || extra.length > 0) {
    console.error(USAGE);
    return 2;
  }
  const { db } = createDb(process.env.DATABASE_URL);
  try {
    const user = await setUserRole(db, { email }, role.data);
    console.log(`${user.email} (${user.name}) is now ${user.role}.`);
    return 0;
  } catch (err) {
    if (!(err instanceof UnknownUserError)) throw err;
    console.error(`${err.message}: sign up in the app first (/sign-up), then run this again.`);
    return 1;
  } finally {
    await db.$disconnect();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  if (existsSync(".env")) process.loadEnvFile(".env");
  process.exitCode = await main(process.argv.slice(2));
}
