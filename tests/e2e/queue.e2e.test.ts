/**
 * A learner sees their place in the sandbox queue (issue 4, "learners see their position"): two
 * other learners' builds hold the one build slot and the first place in line, the learner presses
 * Run in real Chromium and the status line reads "Queued: position 2", then "position 1" as the
 * others leave, then builds and passes. The others are real WebSocket clients of the same runner,
 * with tokens signed by the stack's secret; their builds sleep until the test cancels them, so the
 * countdown does not depend on timing.
 */
import { readFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../lib/token";
import { connectClient, type TestClient } from "../../sandbox-runner/src/test-client";
import { CHROMIUM_ARGS, startStack, type Stack } from "./stack";
import { CLIPBOARD_PERMISSIONS, editor, replaceText, status } from "./workbench";

const EXERCISE_ID = "anatomy/split-the-build";
const SOLUTION = readFileSync(path.resolve(import.meta.dirname, "../../lessons/02-anatomy/exercises/split-the-build/solution.Dockerfile"), "utf8");
const SLEEPER = "FROM stagecraft/busybox:1.35\nRUN echo holding the slot && sleep 600\n";
/** Screenshots for people to look at; outside the repository. */
const SHOTS = process.env.SHOTS_DIR ?? "/tmp/stagecraft-shots/queue";

let stack: Stack;
let browser: Browser;
const others: TestClient[] = [];

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  mkdirSync(SHOTS, { recursive: true });
});

afterAll(async () => {
  for (const c of others) c.ws.close(); // closing a socket cancels its runs
  await browser?.close();
  await stack?.stop();
});

/** Another learner of the class, pressing Run on a build that waits until cancelled. */
async function otherLearner(name: string): Promise<{ client: TestClient; runId: string }> {
  const token = await signToken(`queue-e2e-${name}-${Date.now()}`, stack.secret);
  const client = await connectClient(stack.runnerWsUrl, { origin: stack.webUrl, token });
  others.push(client);
  const runId = client.start(EXERCISE_ID, SLEEPER);
  await client.next("accepted", runId, 30_000);
  return { client, runId };
}

async function cancel({ client, runId }: { client: TestClient; runId: string }): Promise<void> {
  client.cancel(runId);
  expect(await client.next("finished", runId, 30_000)).toMatchObject({ state: "cancelled" });
}

const shot = (page: Page, name: string) => page.screenshot({ path: path.join(SHOTS, `${name}.png`) });

describe("the sandbox queue, as a learner sees it", () => {
  it("shows the learner's place in line counting down, then builds and passes", async () => {
    const first = await otherLearner("first");
    await first.client.next("step", first.runId, 60_000); // building: it holds the slot
    const second = await otherLearner("second");

    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: CLIPBOARD_PERMISSIONS });
    const page = await context.newPage();
    await page.goto(`${stack.webUrl}/lessons/anatomy`);
    await editor(page).waitFor({ state: "attached", timeout: 60_000 });
    await replaceText(page, SOLUTION, EXERCISE_ID);
    // Every status line the learner is shown, in order.
    await page.evaluate(() => {
      const w = window as unknown as { statuses: string[] };
      w.statuses = [];
      const el = document.querySelector('[role="status"]')!;
      new MutationObserver(() => {
        const text = el.textContent ?? "";
        if (w.statuses.at(-1) !== text) w.statuses.push(text);
      }).observe(el, { subtree: true, childList: true, characterData: true });
    });

    const run = page.getByRole("button", { name: /^Run/ });
    await run.click();
    await expect.poll(() => status(page).innerText(), { timeout: 30_000 }).toBe("Queued: position 2 (2 runs ahead of yours)…");
    expect(await run.isDisabled()).toBe(true);
    await shot(page, "queued-2-light");
    await page.emulateMedia({ colorScheme: "dark" });
    await shot(page, "queued-2-dark");

    await cancel(first);
    await expect.poll(() => status(page).innerText(), { timeout: 30_000 }).toBe("Queued: position 1 (1 run ahead of yours)…");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.getByRole("button", { name: "Cancel" }).scrollIntoViewIfNeeded();
    await shot(page, "queued-1-dark-390");
    await page.emulateMedia({ colorScheme: "light" });
    await shot(page, "queued-1-light-390");

    await cancel(second);
    await expect.poll(() => run.isEnabled(), { timeout: 240_000, interval: 500 }).toBe(true);
    expect(await status(page).innerText()).toMatch(/^Passed/);
    const statuses = await page.evaluate(() => (window as unknown as { statuses: string[] }).statuses);
    const queued = statuses.filter((s) => s.startsWith("Queued"));
    expect(queued).toEqual(["Queued: position 2 (2 runs ahead of yours)…", "Queued: position 1 (1 run ahead of yours)…"]);
    const building = statuses.findIndex((s) => s.startsWith("Building"));
    expect(building).toBeGreaterThan(statuses.indexOf(queued[1]!));
    await context.close();
  });
});
