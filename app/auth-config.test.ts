/**
 * Better Auth as Stagecraft configures it, driven through its HTTP handler (the way the browser
 * reaches it) on a migrated temporary SQLite database: hashing, errors, roles, the learner cookie.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb, type Db } from "../db/client";
import { ensureLearner } from "../db/learners";
import { migrateDeploy } from "../db/migrate-deploy";
import { createAuth, deriveAuthSecret, type Auth } from "./auth-config";

const ORIGIN = "http://127.0.0.1:3999";
const dir = mkdtempSync(path.join(tmpdir(), "stagecraft-auth-"));
let db: Db;
let auth: Auth;

beforeAll(() => {
  const url = `file:${path.join(dir, "auth.db")}`;
  migrateDeploy(url);
  db = createDb(url).db;
  auth = createAuth({ db, provider: "sqlite", sharedSecret: "shared-secret-for-tests-0123456789", secure: false, trustedOrigins: [ORIGIN] });
}, 60_000);

afterAll(async () => {
  await db?.$disconnect();
  rmSync(dir, { recursive: true, force: true });
});

function post(route: string, body: unknown, cookie = "", origin = ORIGIN): Promise<Response> {
  return auth.handler(
    new Request(`${ORIGIN}/api/auth${route}`, {
      method: "POST",
      headers: { "content-type": "application/json", origin, cookie },
      body: JSON.stringify(body),
    }),
  );
}

/** `name=value` pairs of a response's Set-Cookie headers (an expired cookie has value ""). */
function setCookies(res: Response): Map<string, string> {
  return new Map(res.headers.getSetCookie().map((c) => c.split(";")[0]!.split("=") as [string, string]));
}

const email = () => `learner-${crypto.randomUUID()}@example.test`;
const PASSWORD = "correct horse battery";

// scrypt is deliberately slow, and the machine may be busy: generous bounds, not speed targets.
describe("accounts through Better Auth", { timeout: 60_000 }, () => {
  it("signs up with a scrypt hash (never the password), role learner, and a session cookie", async () => {
    const address = email();
    const res = await post("/sign-up/email", { name: "Ada", email: address, password: PASSWORD, role: "admin" });
    expect(res.status).toBe(200);
    expect([...setCookies(res).keys()]).toContain("stagecraft.session_token");

    const user = await db.user.findUniqueOrThrow({ where: { email: address }, include: { accounts: true } });
    expect(user.role).toBe("learner"); // `role` in the body is refused or ignored, never applied
    const stored = user.accounts[0]?.password ?? "";
    expect(stored).not.toContain(PASSWORD);
    expect(stored).toMatch(/^[0-9a-f]{32}:[0-9a-f]{128}$/); // Better Auth's scrypt "salt:key"
  });

  it("answers the errors the forms explain: taken email, short password, wrong password", async () => {
    const address = email();
    expect((await post("/sign-up/email", { name: "Ada", email: address, password: PASSWORD })).status).toBe(200);

    const taken = await post("/sign-up/email", { name: "Bob", email: address.toUpperCase(), password: PASSWORD });
    expect(taken.status).toBe(422);
    expect(await taken.json()).toMatchObject({ code: "USER_ALREADY_EXISTS_USE_ANOTHER_EMAIL" });

    const short = await post("/sign-up/email", { name: "Bob", email: email(), password: "1234567" });
    expect(short.status).toBe(400);
    expect(await short.json()).toMatchObject({ code: "PASSWORD_TOO_SHORT" });

    const wrong = await post("/sign-in/email", { email: address, password: "not the password" });
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toMatchObject({ code: "INVALID_EMAIL_OR_PASSWORD" });
    expect((await post("/sign-in/email", { email: address, password: PASSWORD })).status).toBe(200);
  });

  it("refuses a sign-in or sign-out posted from a foreign origin", async () => {
    const address = email();
    await post("/sign-up/email", { name: "Ada", email: address, password: PASSWORD });
    const foreign = await post("/sign-in/email", { email: address, password: PASSWORD }, "sc_learner=abcdefgh", "https://evil.example");
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toMatchObject({ code: "INVALID_ORIGIN" });
    expect((await post("/sign-out", {}, "stagecraft.session_token=x", "https://evil.example")).status).toBe(403);
  });

  it("sign-up claims the browser's anonymous learner and points the cookie at it; sign-out clears it", async () => {
    const { id: anon } = await ensureLearner(db);
    const address = email();
    const res = await post("/sign-up/email", { name: "Ada", email: address, password: PASSWORD }, `sc_learner=${anon}`);
    expect(setCookies(res).get("sc_learner")).toBe(anon);
    const user = await db.user.findUniqueOrThrow({ where: { email: address }, include: { learner: true } });
    expect(user.learner?.id).toBe(anon);

    // Another browser with its own anonymous learner signs in: that learner merges into the account's.
    const { id: other } = await ensureLearner(db);
    const signIn = await post("/sign-in/email", { email: address, password: PASSWORD }, `sc_learner=${other}`);
    expect(setCookies(signIn).get("sc_learner")).toBe(anon);
    expect(await db.learner.findUnique({ where: { id: other } })).toBeNull();

    const session = setCookies(signIn).get("stagecraft.session_token");
    const out = await post("/sign-out", {}, `stagecraft.session_token=${session}; sc_learner=${anon}`);
    expect(out.status).toBe(200);
    expect(setCookies(out).get("sc_learner")).toBe("");
  });

  it("marks the session and learner cookies Secure when served over https, and only then", async () => {
    const secureAuth = createAuth({ db, provider: "sqlite", sharedSecret: "shared-secret-for-tests-0123456789", secure: true, trustedOrigins: ["https://learn.example"] });
    const { id: anon } = await ensureLearner(db);
    const res = await secureAuth.handler(
      new Request("https://learn.example/api/auth/sign-up/email", {
        method: "POST",
        headers: { "content-type": "application/json", origin: "https://learn.example", cookie: `sc_learner=${anon}` },
        body: JSON.stringify({ name: "Ada", email: email(), password: PASSWORD }),
      }),
    );
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((c) => c.startsWith("__Secure-stagecraft.session_token="))).toMatch(/; Secure/i);
    expect(cookies.find((c) => c.startsWith("sc_learner="))).toMatch(/; Secure/i);

    const plain = await post("/sign-up/email", { name: "Ada", email: email(), password: PASSWORD }, `sc_learner=${(await ensureLearner(db)).id}`);
    for (const c of plain.headers.getSetCookie()) expect(c).not.toMatch(/; Secure/i);
  });

  it("derives its own key from the shared secret", () => {
    const key = deriveAuthSecret("shared-secret-for-tests-0123456789");
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(key).not.toContain("shared-secret");
    expect(deriveAuthSecret("another-shared-secret-0123456789")).not.toBe(key);
  });
});
