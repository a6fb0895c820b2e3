/**
 * Accounts in real Chromium against the real runner: an anonymous learner passes an exercise,
 * signs up (after the form explains a weak password and a taken email without losing anything),
 * keeps the progress; signs out and the next visitor at that browser sees none of it; signs in
 * on a fresh browser and sees it again. Also: runner tokens name the session's learner whatever
 * the client asks, and the admin page refuses visitors and learners.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setUserRole } from "../../db/accounts";
import { createDb, type Db } from "../../db/client";
import { CHROMIUM_ARGS, startStack, type Stack } from "./stack";
import { CLIPBOARD_PERMISSIONS, editor, replaceText, runAndWait } from "./workbench";

const EXERCISE_ID = "monolithic-image/build-the-monolith";
const EXERCISE_DIR = path.resolve(import.meta.dirname, "../../lessons/01-monolithic-image/exercises/build-the-monolith");
const SOLUTION = readFileSync(path.join(EXERCISE_DIR, "solution.Dockerfile"), "utf8");
const EMAIL = `ada-${Date.now()}@example.test`;
const PASSWORD = "a long enough passphrase";

let stack: Stack;
let browser: Browser;
let db: Db;

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  db = createDb(stack.databaseUrl).db;
});

afterAll(async () => {
  await db?.$disconnect();
  await browser?.close();
  await stack?.stop();
});

const newContext = () => browser.newContext({ viewport: { width: 1280, height: 860 }, permissions: CLIPBOARD_PERMISSIONS });

/** The course index's card for lesson 1, which says "Done" once its one exercise has passed. */
async function lessonOneDone(page: Page): Promise<boolean> {
  await page.goto(`${stack.webUrl}/`);
  const card = page.getByRole("link", { name: /The monolithic image/ });
  return /Done/.test(await card.innerText());
}

/** The `sub` (learner id) of the runner token this browser gets, whatever learner it asks for. */
async function tokenLearner(page: Page, asked = "someone-else-0001"): Promise<string> {
  const body = await page.evaluate(async (id) => {
    const res = await fetch(`/api/runner-token?learnerId=${id}&sub=${id}`, { headers: { "x-learner-id": id } });
    return (await res.json()) as { token: string };
  }, asked);
  const payload = JSON.parse(Buffer.from(body.token.split(".")[0]!, "base64url").toString("utf8")) as { sub: string };
  return payload.sub;
}

async function accountLearnerId(): Promise<string | undefined> {
  const user = await db.user.findUnique({ where: { email: EMAIL }, include: { learner: true } });
  return user?.learner?.id;
}

const field = (page: Page, label: string) => page.getByLabel(label, { exact: true });

describe("accounts", () => {
  let first: BrowserContext;

  it("an anonymous learner's pass survives sign-up, after clear errors that keep what was typed", async () => {
    // Someone already holds an email this learner will try first.
    const taken = await fetch(`${stack.webUrl}/api/auth/sign-up/email`, {
      method: "POST",
      // Node's fetch sends Sec-Fetch-Mode, so Better Auth's CSRF check wants an origin it trusts.
      headers: { "content-type": "application/json", origin: stack.webUrl },
      body: JSON.stringify({ name: "Taken", email: `taken-${EMAIL}`, password: PASSWORD }),
    });
    expect(taken.status).toBe(200);

    first = await newContext();
    const page = await first.newPage();
    await page.goto(`${stack.webUrl}/lessons/monolithic-image`);
    await editor(page).waitFor({ state: "attached", timeout: 60_000 });
    await replaceText(page, SOLUTION, EXERCISE_ID);
    expect(await runAndWait(page)).toMatch(/^Passed/);
    const anonymous = await tokenLearner(page);
    expect(await lessonOneDone(page)).toBe(true);

    await page.getByRole("link", { name: "Sign in" }).click();
    await page.getByRole("link", { name: "Create an account" }).click();
    await page.waitForURL(/\/sign-up/);
    await field(page, "Name").fill("Ada");
    await field(page, "Email").fill(`taken-${EMAIL}`);
    await field(page, "Password").fill("short");
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.getByText(/Too short: use at least 8 characters/).count()).toBe(1);

    await field(page, "Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Create account" }).click();
    await expect.poll(() => page.getByText(/An account with this email already exists/).count()).toBe(1);
    expect(await field(page, "Name").inputValue()).toBe("Ada");
    expect(await field(page, "Password").inputValue()).toBe(PASSWORD);

    await field(page, "Email").fill(EMAIL);
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Account: Ada" }).waitFor({ timeout: 30_000 });

    // The anonymous learner became the account's (linked: same id), and runs go to it.
    expect(await accountLearnerId()).toBe(anonymous);
    expect(await tokenLearner(page)).toBe(anonymous);
    expect(await lessonOneDone(page)).toBe(true);
  });

  it("after signing out, the next visitor at that browser sees none of it and runs as someone new", async () => {
    const page = first.pages()[0]!;
    await page.getByRole("button", { name: "Account: Ada" }).click();
    await expect.poll(() => page.getByText(`Signed in as ${EMAIL}`).count()).toBe(1);
    await page.getByRole("button", { name: "Sign out" }).click();
    await page.getByRole("link", { name: "Sign in" }).waitFor();

    expect(await lessonOneDone(page)).toBe(false);
    await page.goto(`${stack.webUrl}/lessons/monolithic-image`);
    await editor(page).waitFor({ state: "attached", timeout: 60_000 });
    // Signing out forgot this browser's drafts; the exercise is not marked done for the newcomer.
    expect(await page.evaluate((id) => localStorage.getItem(`sc-draft:${id}`), EXERCISE_ID)).toBeNull();
    expect(await page.getByRole("heading", { name: /^Exercise · / }).innerText()).not.toMatch(/Done/);
    const next = await tokenLearner(page);
    expect(next).not.toBe(await accountLearnerId());
    await first.close();
  });

  it("signing in on a fresh browser brings the progress back, after a clear wrong-password error", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${stack.webUrl}/sign-in`);
    await field(page, "Email").fill(EMAIL);
    await field(page, "Password").fill("not my passphrase");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect.poll(() => page.getByRole("alert").filter({ hasText: /./ }).first().innerText()).toMatch(/Wrong email or password/);
    expect(await field(page, "Email").inputValue()).toBe(EMAIL);

    await field(page, "Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("button", { name: "Account: Ada" }).waitFor({ timeout: 30_000 });
    expect(await lessonOneDone(page)).toBe(true);
    expect(await tokenLearner(page)).toBe(await accountLearnerId());
    await context.close();
  });

  it("the admin page sends visitors to sign in, refuses learners with 403 and lets admins set roles", async () => {
    const context = await newContext();
    const page = await context.newPage();
    await page.goto(`${stack.webUrl}/admin/users`);
    await page.waitForURL(/\/sign-in\?next=%2Fadmin%2Fusers/);
    await field(page, "Email").fill(EMAIL);
    await field(page, "Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByRole("heading", { name: "Not for this account" }).waitFor({ timeout: 30_000 });
    expect((await page.request.get(`${stack.webUrl}/admin/users`)).status()).toBe(403);

    await setUserRole(db, { email: EMAIL }, "admin"); // what `npm run user:role` does
    await page.goto(`${stack.webUrl}/admin/users`);
    await page.getByRole("heading", { name: "Users and roles" }).waitFor();
    await page.getByLabel(`Role of taken-${EMAIL}`).selectOption("instructor");
    await page.getByRole("button", { name: "Save" }).click();
    await expect.poll(() => page.getByText(`taken-${EMAIL} is now instructor.`).count()).toBe(1);
    expect((await db.user.findUniqueOrThrow({ where: { email: `taken-${EMAIL}` } })).role).toBe("instructor");
    await context.close();
  });
});
