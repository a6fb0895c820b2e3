/**
 * What browser tests do with a lesson's workbench, the way a learner does it: find the editor by
 * its accessible name, replace its text through the keyboard, press Run and wait for the outcome.
 */
import type { Browser, Page } from "playwright-core";
import { expect } from "vitest";

/** Browser-context permissions the paste in `replaceText` needs. */
export const CLIPBOARD_PERMISSIONS = ["clipboard-read", "clipboard-write"];

export const editor = (page: Page) => page.getByRole("textbox", { name: /Dockerfile editor/ });

/** The run status line (the first non-empty live region). */
export const status = (page: Page) => page.getByRole("status").filter({ hasText: /./ }).first();

/** localStorage key of an exercise's draft, e.g. `sc-draft:anatomy/split-the-build`. */
export const draftKey = (exerciseId: string) => `sc-draft:${exerciseId}`;

/**
 * Replaces the editor's text by pasting it, as a learner would, and waits until the draft store
 * mirrors it: proof the editor holds exactly this text. A paste, not typed text: Monaco
 * auto-indents typed lines after a `\` continuation, and a learner pastes a whole Dockerfile.
 * The page's context needs the clipboard permissions (`CLIPBOARD_PERMISSIONS`).
 */
export async function replaceText(page: Page, text: string, exerciseId: string): Promise<void> {
  await page.evaluate((t) => navigator.clipboard.writeText(t), text);
  await editor(page).focus();
  await page.keyboard.press("ControlOrMeta+A");
  await page.keyboard.press("Delete");
  await page.keyboard.press("ControlOrMeta+V");
  await expect.poll(() => page.evaluate((key) => localStorage.getItem(key), draftKey(exerciseId))).toBe(text);
}

/** Presses Run and waits until the run is over (Run is enabled again); returns the status line. */
export async function runAndWait(page: Page, timeoutMs = 240_000): Promise<string> {
  const run = page.getByRole("button", { name: /^Run/ });
  await run.click();
  await expect.poll(() => run.isDisabled()).toBe(true);
  await expect.poll(() => run.isEnabled(), { timeout: timeoutMs, interval: 500 }).toBe(true);
  return status(page).innerText();
}

/** The check list's own items as text (not the lists inside a check's detail, e.g. timelines). */
export function checkTexts(page: Page): Promise<string[]> {
  return page.getByRole("list", { name: "Checks" }).locator(":scope > li").allInnerTexts();
}

/**
 * Opens a lesson page in a fresh browser context (clipboard allowed, for `replaceText`) and waits
 * until the editor is there.
 */
export async function openWorkbench(browser: Browser, url: string, viewport = { width: 1440, height: 900 }): Promise<Page> {
  const context = await browser.newContext({ viewport, permissions: CLIPBOARD_PERMISSIONS });
  const page = await context.newPage();
  await page.goto(url);
  await editor(page).waitFor({ state: "attached", timeout: 60_000 });
  return page;
}
