/**
 * Build insight in real Chromium against the real runner and engine: a learner's run shows a
 * progress bar while it builds, then the stage graph with the builder's weight and what was
 * discarded (also after a reload, from the stored report), and the cache timeline; the editor's
 * quick fixes apply from Monaco's lightbulb menu and from the problem list.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CHROMIUM_ARGS, startStack, type Stack } from "./stack";
import { openWorkbench, draftKey, editor, replaceText, runAndWait } from "./workbench";

const lessons = path.resolve(import.meta.dirname, "../../lessons");
const SOLUTION = readFileSync(path.join(lessons, "02-anatomy/exercises/split-the-build/solution.Dockerfile"), "utf8");
const NODE_STARTER = readFileSync(path.join(lessons, "05-node/exercises/typescript-service/starter.Dockerfile"), "utf8");

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

const openLesson = (url: string) => openWorkbench(browser, `${stack.webUrl}${url}`, { width: 1280, height: 900 });

const draft = (page: Page, exerciseId: string) => page.evaluate((key) => localStorage.getItem(key), draftKey(exerciseId));

describe("build insight", () => {
  it("shows progress while building, then the stage graph with what was discarded, kept after a reload", async () => {
    const page = await openLesson("/lessons/anatomy");
    // A step that takes a few seconds, so the build is long enough to watch.
    const slow = SOLUTION.replace("RUN CGO_ENABLED=0", `RUN sleep 4 && echo ${randomBytes(4).toString("hex")}\nRUN CGO_ENABLED=0`);
    await replaceText(page, slow, "anatomy/split-the-build");
    const bar = page.getByRole("progressbar", { name: "Build progress" });
    const seen = bar.waitFor({ timeout: 120_000 }).then(async () => ({
      now: Number(await bar.getAttribute("aria-valuenow")),
      max: Number(await bar.getAttribute("aria-valuemax")),
    }));
    const outcome = runAndWait(page);
    const progress = await seen;
    // build: FROM, WORKDIR, 2 COPY, 2 RUN; final: FROM, COPY.
    expect(progress.max).toBeGreaterThanOrEqual(8);
    expect(progress.now).toBeLessThan(progress.max);
    expect(await outcome).toMatch(/^Passed/);
    await expect.poll(() => bar.count()).toBe(0);

    const stages = page.getByRole("region", { name: /^Stages/ });
    // The weights arrive with a second report, after the checks.
    await expect.poll(() => stages.innerText(), { timeout: 30_000 }).toMatch(/discarded:/);
    const summary = await stages.getByRole("list", { name: "Stages" }).innerText();
    const build = /Stage build \(FROM stagecraft\/golang:1\.19\): weighed ([\d.]+) (MiB|GiB), ([\d.]+) (KiB|MiB) reached the final image, ([\d.]+) (MiB|GiB) discarded\./.exec(summary);
    expect(build, summary).not.toBeNull();
    expect(summary).toMatch(/Final stage 1 \(FROM stagecraft\/busybox:1\.35, COPY --from build\)/);
    expect(await stages.locator("svg g.sg-stage").count()).toBe(2);
    expect(await stages.locator("svg path.sg-edge-copy").count()).toBe(1);
    const timeline = page.getByRole("region", { name: /^Cache timeline/ });
    expect(await timeline.innerText()).toMatch(/RUN sleep 4/);

    await page.reload();
    const stored = page.getByRole("region", { name: /^Stages · last run/ });
    await expect.poll(() => stored.getByRole("list", { name: "Stages" }).innerText(), { timeout: 30_000 }).toBe(summary);
  }, 300_000);

  it("applies quick fixes from the lightbulb and from the problem list", async () => {
    const page = await openLesson("/lessons/node");
    const id = "node/typescript-service";
    await replaceText(page, NODE_STARTER, id);
    const problems = page.getByRole("list", { name: "Dockerfile problems" });
    // Lint runs in a worker after a pause in typing: the fixes exist once the list offers them.
    await problems.getByRole("button", { name: /exec form/ }).waitFor({ timeout: 30_000 });
    // Monaco's quick-fix menu on the shell-form CMD.
    await page.locator(".view-line", { hasText: "CMD npm start" }).click();
    await page.keyboard.press("ControlOrMeta+.");
    const action = page.getByRole("option", { name: /Write CMD in exec form/ });
    await action.waitFor({ timeout: 15_000 });
    await action.click();
    await expect.poll(() => draft(page, id)).toContain('CMD ["npm", "start"]');

    // The list under the editor offers the same fixes without a mouse over the squiggle.
    const userFix = problems.getByRole("button", { name: /Run the final stage as node/ });
    await userFix.click();
    await expect.poll(() => draft(page, id)).toMatch(/USER node\n(.*\n)*CMD \["npm", "start"\]/);
    // One undoable edit in the editor, which keeps the focus.
    await page.keyboard.press("ControlOrMeta+Z");
    await expect.poll(() => draft(page, id)).not.toContain("USER node");
    expect(await draft(page, id)).toContain('CMD ["npm", "start"]');
    await userFix.click();
    await expect.poll(() => draft(page, id)).toContain("USER node");
    await problems.getByRole("button", { name: /Copy package\.json/ }).click();
    await expect.poll(() => draft(page, id)).toMatch(/COPY package\.json package-lock\.json\* \.\/\nRUN npm ci\nCOPY \. \./);
    await expect.poll(() => problems.getByRole("button").count()).toBe(0);
  }, 120_000);
});
