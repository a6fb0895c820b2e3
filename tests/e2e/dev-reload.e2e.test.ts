/**
 * Authoring under `npm run dev`: editing a lesson's prose or its exercise refreshes the open page
 * by itself (no reload, so the learner's draft in the editor survives), and a content mistake
 * shows the file it is in.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { chromium, type Browser } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, startDevWeb } from "./stack";

const FIXTURE = path.resolve(import.meta.dirname, "../fixtures/lessons");
let lessonsDir = "";
let dev: Awaited<ReturnType<typeof startDevWeb>>;
let browser: Browser;

beforeAll(async () => {
  lessonsDir = mkdtempSync(path.join(tmpdir(), "stagecraft-dev-lessons-"));
  cpSync(FIXTURE, lessonsDir, { recursive: true });
  dev = await startDevWeb(lessonsDir);
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await dev?.stop();
  rmSync(lessonsDir, { recursive: true, force: true });
});

describe("lessons reload while npm run dev runs", () => {
  it("shows an edited paragraph and exercise prompt without a page reload", async () => {
    const page = await browser.newPage();
    await page.goto(`${dev.webUrl}/lessons/fixture`, { timeout: 120_000 });
    await page.getByRole("heading", { level: 1 }).waitFor({ timeout: 120_000 });
    // Hydrated and subscribed: an edit made before that would go unseen.
    await page.locator('[data-live-reload="connected"]').waitFor({ state: "attached", timeout: 120_000 });
    // A marker on window: a full reload would drop it, a refresh keeps it.
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));

    const mdx = path.join(lessonsDir, "01-fixture", "index.mdx");
    writeFileSync(mdx, `${readFileSync(mdx, "utf8")}\n\nA sentence the author just added.\n`);
    await expect
      .poll(() => page.getByText("A sentence the author just added.").count(), { timeout: 60_000 })
      .toBe(1);

    const manifestFile = path.join(lessonsDir, "01-fixture", "exercises", "echo", "exercise.json");
    const manifest = JSON.parse(readFileSync(manifestFile, "utf8")) as { prompt: string };
    writeFileSync(manifestFile, JSON.stringify({ ...manifest, prompt: "A freshly edited prompt." }, null, 2));
    await expect.poll(() => page.getByText("A freshly edited prompt.").count(), { timeout: 60_000 }).toBe(1);

    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    await page.close();
  }, 240_000);
});
