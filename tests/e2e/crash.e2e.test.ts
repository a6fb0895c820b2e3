/**
 * A learner's page when the sandbox runner crashes mid-run, in real Chromium against the real
 * stack: the runner process is SIGKILLed while the learner's build sleeps, then started again.
 * The page says in plain words what happened and that the Dockerfile is safe, offers Re-run, and
 * after a reload still shows the run as interrupted with the draft intact; Re-run then works.
 */
import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hostProcesses, waitForHostProcess } from "../../sandbox-runner/src/test-support";
import { CHROMIUM_ARGS, startStack, type Stack } from "./stack";
import { openWorkbench, draftKey, editor, replaceText, status } from "./workbench";

const EXERCISE_DIR = path.resolve(import.meta.dirname, "../../lessons/02-anatomy/exercises/split-the-build");
const SOLUTION = readFileSync(path.join(EXERCISE_DIR, "solution.Dockerfile"), "utf8");
const EXERCISE_ID = "anatomy/split-the-build";
/** A distinctive, finite sleep: long enough to kill the runner during it, short enough to re-run. */
const SLEEP = "sleep 19";
/** The solution with a slow first step in its first stage; new text each time, so never cached. */
const SLOW = SOLUTION.replace(/^(FROM [^\n]*\n)/m, `$1RUN echo ${randomBytes(6).toString("hex")} && ${SLEEP}\n`);
const SHOTS = "/work/shots/i4-crash";

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const openLesson = () => openWorkbench(browser, `${stack.webUrl}/lessons/anatomy`);

const draft = (page: Page) => page.evaluate((key) => localStorage.getItem(key), draftKey(EXERCISE_ID));
const rerun = (page: Page) => page.getByRole("button", { name: "Re-run" });

async function shoot(page: Page, name: string): Promise<void> {
  await page.locator(".run-status-row").scrollIntoViewIfNeeded();
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

describe("the runner crashes during a learner's run", () => {
  it("says the run was interrupted, keeps the Dockerfile, and Re-run works once the runner is back", async () => {
    expect(SLOW).not.toBe(SOLUTION);
    const page = await openLesson();
    await replaceText(page, SLOW, EXERCISE_ID);
    await page.getByRole("button", { name: /^Run/ }).click();
    await waitForHostProcess(SLEEP);
    expect(await rerun(page).count()).toBe(0);

    await stack.killRunner();
    await expect
      .poll(() => status(page).innerText(), { timeout: 20_000 })
      .toMatch(/^Interrupted: the sandbox stopped answering while your run was in progress .*Your Dockerfile is safe in the editor/);
    await expect.poll(() => rerun(page).isVisible()).toBe(true);
    expect(await draft(page)).toBe(SLOW);
    await shoot(page, "interrupted-live-light");
    // The engine cancelled the build when the runner's request dropped.
    await expect.poll(() => hostProcesses(SLEEP, { exact: true }), { timeout: 15_000 }).toEqual([]);

    await stack.restartRunner({});
    await page.reload();
    await editor(page).waitFor({ state: "attached", timeout: 60_000 });
    // The restarted runner marked the Submission interrupted; the page reads it from the database.
    await expect
      .poll(() => status(page).innerText(), { timeout: 20_000 })
      .toBe("Your last run was interrupted: the sandbox restarted while it was running. Your Dockerfile is safe and nothing is wrong with it; press Re-run.");
    expect(await draft(page)).toBe(SLOW);
    // Monaco renders spaces as no-break spaces.
    const shown = async () => (await page.locator(".monaco-editor .view-lines").innerText()).replaceAll("\u00a0", " ");
    await expect.poll(shown).toContain(`&& ${SLEEP}`);
    await shoot(page, "interrupted-reload-light");
    await page.getByRole("button", { name: "Switch to dark theme" }).click();
    await shoot(page, "interrupted-reload-dark");
    await page.setViewportSize({ width: 390, height: 844 });
    await shoot(page, "interrupted-reload-dark-390");
    await page.getByRole("button", { name: "Switch to light theme" }).click();
    await shoot(page, "interrupted-reload-light-390");
    await page.setViewportSize({ width: 1440, height: 900 });

    await rerun(page).click();
    const run = page.getByRole("button", { name: /^Run/ });
    await expect.poll(() => run.isDisabled()).toBe(true);
    await expect.poll(() => run.isEnabled(), { timeout: 240_000, interval: 500 }).toBe(true);
    expect(await status(page).innerText()).toMatch(/^(Passed|Failed): /);
    expect(await rerun(page).count()).toBe(0);
    await page.context().close();
  });
});
