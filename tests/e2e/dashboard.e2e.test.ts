/**
 * The dashboards in real Chromium against the real runner: a learner's real run shows up on /me
 * with its report and log and is a 404 for anyone else; a learner who joins a class by its invite
 * link (signing up on the way) shows up in the instructor's class view, run report and CSV; the
 * instructor pages refuse signed-out visitors and learners.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDb } from "../../db/client";
import { setUserRole } from "../../db/accounts";
import { CHROMIUM_ARGS, startStack, type Stack } from "./stack";
import { CLIPBOARD_PERMISSIONS, editor, replaceText, runAndWait } from "./workbench";

const EXERCISE = path.resolve(import.meta.dirname, "../../lessons/01-monolithic-image/exercises/build-the-monolith");
const EXERCISE_ID = "monolithic-image/build-the-monolith";
const read = (file: string) => readFileSync(path.join(EXERCISE, file), "utf8");

let stack: Stack;
let browser: Browser;
let learner: BrowserContext;
let runUrl = "";

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  learner = await browser.newContext({ viewport: { width: 1280, height: 900 }, permissions: CLIPBOARD_PERMISSIONS });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

/** Runs `dockerfile` on the exercise's lesson page, as the learner does. */
async function run(page: Page, dockerfile: string): Promise<string> {
  await page.goto(`${stack.webUrl}/lessons/monolithic-image`);
  await editor(page).waitFor({ state: "attached", timeout: 60_000 });
  await replaceText(page, dockerfile, EXERCISE_ID);
  return runAndWait(page);
}

/** Fails with the offending width when the page scrolls sideways at its current viewport. */
async function expectFitsWidth(page: Page): Promise<void> {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  expect(scroll, `${page.url()} at ${inner}px`).toBeLessThanOrEqual(inner);
}

/** Signs the context's browser up through Better Auth's endpoint (the same call the sign-up form makes). */
async function signUp(page: Page, email: string, name: string): Promise<void> {
  const status = await page.evaluate(
    async ([email, name]) =>
      (
        await fetch("/api/auth/sign-up/email", {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ email, name, password: "correct-horse-battery" }),
        })
      ).status,
    [email, name],
  );
  expect(status).toBe(200);
}

describe("learner dashboard", () => {
  it("lists a real run, opens its report and build log, and hides it from everyone else", async () => {
    const page = await learner.newPage();
    expect(await run(page, read("starter.Dockerfile"))).toMatch(/^Failed/);
    expect(await run(page, read("solution.Dockerfile"))).toMatch(/^Passed/);

    await page.goto(`${stack.webUrl}/me`);
    const summary = page.getByRole("region", { name: "Summary" });
    await expect.poll(() => summary.innerText()).toMatch(/Exercises passed\s*1\s*of \d+/i);
    const history = page.getByRole("table", { name: "Runs, newest first" });
    const rows = history.locator("tbody tr");
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/Build the monolith[\s\S]*Passed[\s\S]*MiB/);
    expect(await rows.nth(1).innerText()).toMatch(/Failed/);
    expect(await page.getByRole("list", { name: "Best image per exercise" }).innerText()).toMatch(/Build the monolith[\s\S]*Passed[\s\S]*MiB of [\d.]+ MiB starter/);

    await rows.nth(0).getByRole("link", { name: "Build the monolith" }).click();
    await page.waitForURL(/\/me\/runs\//);
    runUrl = page.url();
    const checks = page.getByRole("list", { name: "Checks" }).locator(":scope > li");
    expect(await checks.count()).toBeGreaterThan(1);
    expect(await checks.first().innerText()).toContain("The image builds");
    expect(await page.getByRole("table", { name: /Layers of the final image/ }).count()).toBe(1);
    expect(await page.getByRole("region", { name: "Build log" }).locator("pre").innerText()).toMatch(/#\d+ .*DONE|CACHED/);

    // On a phone the run page and the dashboard (tables as cards) fit the screen.
    await page.setViewportSize({ width: 390, height: 844 });
    await expectFitsWidth(page);
    await page.goto(`${stack.webUrl}/me`);
    await expectFitsWidth(page);

    // Another browser (another anonymous learner) gets a 404 for the same run URL.
    const stranger = await browser.newContext();
    const response = await (await stranger.newPage()).goto(runUrl);
    expect(response?.status()).toBe(404);
    await stranger.close();
    await page.close();
  });
});

describe("instructor dashboard", () => {
  it("keeps signed-out visitors and learners out", async () => {
    const anonymous = await browser.newContext();
    const page = await anonymous.newPage();
    await page.goto(`${stack.webUrl}/instructor`);
    expect(new URL(page.url()).pathname).toBe("/sign-in");
    expect((await page.request.get(`${stack.webUrl}/instructor/classes/x/export`, { maxRedirects: 0 })).status()).toBe(401);

    await signUp(page, "just-a-learner@example.test", "Lee");
    expect((await page.goto(`${stack.webUrl}/instructor`))?.status()).toBe(403);
    expect((await page.request.get(`${stack.webUrl}/instructor/classes/x/export`)).status()).toBe(403);
    await anonymous.close();
  });

  it("shows a learner who joined by invite link, their run and the CSV", async () => {
    const teacherContext = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const teacher = await teacherContext.newPage();
    await teacher.goto(`${stack.webUrl}/`);
    await signUp(teacher, "teacher@example.test", "Ms Rivera");
    const { db } = createDb(stack.databaseUrl);
    await setUserRole(db, { email: "teacher@example.test" }, "instructor");
    await db.$disconnect();

    await teacher.goto(`${stack.webUrl}/instructor`);
    await teacher.getByLabel("New class").fill("Containers 101");
    await teacher.getByRole("button", { name: "Create class" }).click();
    await teacher.waitForURL(/\/instructor\/classes\/[\w-]+$/);
    const classUrl = teacher.url();
    // The field shows the full URL once the page knows its origin (after hydration).
    const inviteField = teacher.getByLabel("Invite link");
    await expect.poll(() => inviteField.inputValue()).toMatch(/^http:\/\/[^/]+\/join\/[A-Z2-9]{10}$/);
    const invite = await inviteField.inputValue();

    // The learner with the real runs follows the link signed out, signs up, comes back and joins.
    const page = await learner.newPage();
    await page.goto(invite);
    await page.getByRole("link", { name: "Sign up to join" }).click();
    await page.waitForURL(/\/sign-up\?next=%2Fjoin%2F/);
    await page.getByLabel("Name", { exact: true }).fill('=Ann, "the" learner');
    await page.getByLabel("Email", { exact: true }).fill("ann@example.test");
    await page.getByLabel("Password", { exact: true }).fill("correct-horse-battery");
    await page.getByRole("button", { name: "Create account" }).click();
    await page.getByRole("button", { name: "Join Containers 101" }).click({ timeout: 60_000 });
    await page.waitForURL(/\/me\?joined=/);
    expect(await page.getByRole("status").filter({ hasText: "You joined Containers 101" }).count()).toBe(1);
    // Sign-up carried the anonymous runs over: the run page still opens for its owner.
    expect((await page.goto(runUrl))?.status()).toBe(200);

    await teacher.goto(classUrl);
    const learners = teacher.getByRole("table", { name: "Each learner's progress" });
    expect(await learners.innerText()).toMatch(/=Ann, "the" learner[\s\S]*ann@example.test[\s\S]*1 of \d+/);
    const exercises = teacher.getByRole("table", { name: /Per exercise/ });
    expect(await exercises.innerText()).toMatch(/Build the monolith[\s\S]*1 of 1[\s\S]*2[\s\S]*50 %/);
    const failing = await teacher.getByRole("table", { name: "Checks by number of failing runs" }).innerText();
    expect(failing).toMatch(/1 run/);

    await teacher.setViewportSize({ width: 390, height: 844 });
    await expectFitsWidth(teacher);
    await teacher.setViewportSize({ width: 1280, height: 900 });

    // Drill into the learner and into their passing run: the same report the learner sees.
    await learners.getByRole("link", { name: /Ann/ }).click();
    await teacher.getByRole("table", { name: "Runs, newest first" }).getByRole("link").first().click();
    await teacher.waitForURL(/\/runs\//);
    expect(await teacher.getByRole("list", { name: "Checks" }).locator(":scope > li").first().innerText()).toContain("The image builds");

    const csv = await teacher.request.get(`${classUrl}/export`);
    expect(csv.status()).toBe(200);
    expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    expect(csv.headers()["content-disposition"]).toBe('attachment; filename="stagecraft-containers-101.csv"');
    const lines = (await csv.text()).split("\r\n");
    expect(lines[0]).toBe("learner,email,lesson,exercise_id,exercise,runs,graded_attempts,passed_at,best_image_bytes,time_to_pass_seconds");
    const row = lines.find((l) => l.includes(EXERCISE_ID));
    // The name starts with "=": defused with an apostrophe, and quoted for its comma and quotes.
    expect(row).toMatch(/^"'=Ann, ""the"" learner",ann@example\.test,The monolithic image,monolithic-image\/build-the-monolith,Build the monolith,2,2,\d{4}-[\d-]+T[\d:.]+Z,\d+,\d+$/);
    await teacherContext.close();
  });
});
