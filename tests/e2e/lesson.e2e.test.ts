/**
 * The lesson page in real Chromium against the real runner and Docker engine: a learner types the
 * anatomy solution, runs it, watches the build stream, passes every check and keeps the "Done"
 * mark after a reload. Also: a lint marker on a bad line, and the message when the runner is down.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, startStack, type Stack } from "./stack";
import { checkTexts, openWorkbench, draftKey, editor, replaceText as replaceEditorText, runAndWait, status } from "./workbench";

const EXERCISE_DIR = path.resolve(import.meta.dirname, "../../lessons/02-anatomy/exercises/split-the-build");
const SOLUTION = readFileSync(path.join(EXERCISE_DIR, "solution.Dockerfile"), "utf8");
const EXERCISE_ID = "anatomy/split-the-build";
const DRAFT_KEY = draftKey(EXERCISE_ID);

let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

const openLesson = () => openWorkbench(browser, `${stack.webUrl}/lessons/anatomy`);

const replaceText = (page: Page, text: string) => replaceEditorText(page, text, EXERCISE_ID);

describe("anatomy lesson", () => {
  it("underlines a COPY --from of an unknown stage and lists it under the editor", async () => {
    const page = await openLesson();
    await replaceText(page, 'FROM stagecraft/busybox:1.35\nCOPY --from=nowhere /a /b\nUSER 1000\nCMD ["x"]\n');
    const problems = page.getByRole("list", { name: "Dockerfile problems" });
    await expect.poll(() => problems.getByRole("listitem").allInnerTexts(), { timeout: 10_000 }).toEqual([
      expect.stringMatching(/^Line 2\s+No stage is named nowhere/),
    ]);
    // And Monaco draws the marker in the text.
    await expect.poll(() => page.locator(".monaco-editor .squiggly-error").count()).toBeGreaterThan(0);
    await page.context().close();
  });

  it("builds the typed solution, streams the log while building, passes every check and stays done", async () => {
    const page = await openLesson();
    await replaceText(page, SOLUTION);

    // Record, in the page, when the first build step reaches the terminal and when the run ends.
    await page.evaluate(() => {
      const w = window as unknown as { firstLogAt?: number; finishedAt?: number };
      const terminal = document.querySelector('[aria-label="Build output terminal"] .xterm-rows');
      const statusEl = document.querySelector('[role="status"]');
      new MutationObserver(() => {
        if (!w.firstLogAt && /#\d+ \[/.test(terminal?.textContent ?? "")) w.firstLogAt = performance.now();
      }).observe(terminal!, { subtree: true, childList: true, characterData: true });
      new MutationObserver(() => {
        if (!w.finishedAt && /^(Passed|Failed|Cancelled|Interrupted)/.test(statusEl?.textContent ?? "")) {
          w.finishedAt = performance.now();
        }
      }).observe(statusEl!, { subtree: true, childList: true, characterData: true });
    });

    expect(await runAndWait(page)).toMatch(/^Passed/);

    const { firstLogAt, finishedAt } = await page.evaluate(() => {
      const w = window as unknown as { firstLogAt?: number; finishedAt?: number };
      return { firstLogAt: w.firstLogAt ?? null, finishedAt: w.finishedAt ?? null };
    });
    expect(firstLogAt, "build log lines reached the terminal").not.toBeNull();
    expect(finishedAt).not.toBeNull();
    expect(firstLogAt!).toBeLessThan(finishedAt!);

    const texts = await checkTexts(page);
    expect(texts.length).toBe(7);
    for (const text of texts) expect(text).toMatch(/passed/);
    await expect.poll(() => page.getByRole("heading", { name: /^Exercise · Split the build/ }).innerText()).toMatch(/Done/);

    await page.reload();
    await expect.poll(() => page.getByRole("heading", { name: /^Exercise · Split the build/ }).innerText()).toMatch(/Done/);
    // Anatomy has a second exercise (pick-a-target): one passed exercise does not finish the lesson.
    expect(await page.getByText("Lesson done").count()).toBe(0);
    await page.context().close();
  });

  it("asks before Show solution replaces the learner's text", async () => {
    const page = await openLesson();
    await replaceText(page, "FROM stagecraft/busybox:1.35\n# my own attempt\n");
    const draft = () => page.evaluate((key) => localStorage.getItem(key), DRAFT_KEY);

    page.once("dialog", (dialog) => void dialog.dismiss());
    await page.getByRole("button", { name: "Show solution" }).click();
    expect(await draft()).toBe("FROM stagecraft/busybox:1.35\n# my own attempt\n");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("button", { name: "Show solution" }).click();
    await expect.poll(draft).toBe(SOLUTION);
    await page.context().close();
  });

  it("tells the operator when the runner is up but refuses this page's origin", async () => {
    await stack.restartRunner({ APP_ORIGINS: "http://classroom.example" });
    const page = await openLesson();
    await page.getByRole("button", { name: /^Run/ }).click();
    await expect
      .poll(() => status(page).innerText(), { timeout: 20_000 })
      .toBe(
        `The sandbox runner at ${stack.runnerWsUrl} is running but refused this page. Its APP_ORIGINS must include ${stack.webUrl}, and it must share STAGECRAFT_SECRET with the web app.`,
      );
    await page.context().close();
  });

  it("says plainly that the runner is down when it is (run started with Ctrl+Enter in the editor)", async () => {
    await stack.stopRunner();
    const page = await openLesson();
    await editor(page).focus();
    await page.keyboard.press("Control+Enter");
    await expect
      .poll(() => status(page).innerText(), { timeout: 20_000 })
      .toBe(`The sandbox runner is not reachable at ${stack.runnerWsUrl} — is it running? (\`npm start\` starts it)`);
    await expect.poll(() => page.getByRole("button", { name: /^Run/ }).isEnabled()).toBe(true);
    await page.context().close();
  });
});
