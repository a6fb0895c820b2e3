/**
 * A newcomer walks the whole course in the browser: from the course index through every lesson by
 * its "Next" link, typing the reference solution of one exercise per lesson, running it on the
 * real runner and engine, and seeing every check pass. Exercises that need no special setup are
 * all here, so a lesson whose page, exercise or grading broke fails this test by name.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCourse } from "../../lib/lessons/load";
import type { Lesson } from "../../lib/lessons/schema";
import { CHROMIUM_ARGS, startStack, type Stack } from "./stack";
import { checkTexts, CLIPBOARD_PERMISSIONS, editor, replaceText, runAndWait } from "./workbench";

let stack: Stack;
let browser: Browser;
let page: Page;
// Top-level await: the tests are generated from the course itself, one per lesson.
const course: Lesson[] = await loadCourse("lessons");

beforeAll(async () => {
  stack = await startStack();
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
  page = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: CLIPBOARD_PERMISSIONS })).newPage();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

describe("the whole course in the browser", () => {
  it("lists every lesson on the course index, in order", async () => {
    await page.goto(`${stack.webUrl}/`);
    for (const lesson of course) {
      await expect.poll(() => page.getByRole("link", { name: new RegExp(escape(lesson.title)) }).count()).toBe(1);
    }
    await page.getByRole("link", { name: new RegExp(escape(course[0]!.title)) }).click();
  });

  // One test per lesson, in course order, each continuing on the page the previous one left.
  it.each(course.map((lesson, i) => ({ i, slug: lesson.slug })))("lesson $i ($slug): the typed solution passes", async ({ i }) => {
    const lesson = course[i]!;
    // The walk arrives here by the previous lesson's Next link; after a failure there, come
    // straight here so one broken lesson does not hide the state of the rest.
    if (!page.url().endsWith(`/lessons/${lesson.slug}`)) await page.goto(`${stack.webUrl}/lessons/${lesson.slug}`);
    await expect.poll(() => page.getByRole("heading", { level: 1 }).innerText()).toBe(lesson.title);
    const exercise = lesson.exercises[0]!;
    await editor(page).waitFor({ state: "attached", timeout: 60_000 });
    await replaceText(page, exercise.solution, exercise.id);

    const outcome = await runAndWait(page, 300_000);
    expect(outcome, `${exercise.id}: ${stack.logs()}`).toMatch(/^Passed/);
    const texts = await checkTexts(page);
    expect(texts.length).toBe(exercise.checks.length);
    for (const text of texts) expect(text, exercise.id).toMatch(/passed/);
    if (lesson.exercises.length === 1) {
      // The lesson header is server-rendered: it turns done through router.refresh(), no reload.
      await expect.poll(() => page.getByText("Lesson done").count(), { timeout: 30_000 }).toBe(1);
    }

    const next = course[i + 1];
    if (next) {
      await page.getByRole("navigation", { name: "Next lesson" }).getByRole("link").click();
      await page.waitForURL(`**/lessons/${next.slug}`);
    }
  }, 360_000);

  it("marks each walked exercise done on its lesson page, and one-exercise lessons done on the index", async () => {
    await page.goto(`${stack.webUrl}/`);
    for (const lesson of course.filter((l) => l.exercises.length === 1)) {
      const card = page.getByRole("link", { name: new RegExp(escape(lesson.title)) }).filter({ hasText: "Done" });
      await expect.poll(() => card.count(), { timeout: 10_000 }).toBe(1);
    }
    for (const lesson of course) {
      await page.goto(`${stack.webUrl}/lessons/${lesson.slug}`);
      const exercise = lesson.exercises[0]!;
      await expect
        .poll(() => page.getByRole("heading", { name: new RegExp(`^Exercise · ${escape(exercise.title)}`) }).innerText())
        .toMatch(/Done/);
    }
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
