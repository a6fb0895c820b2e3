/**
 * The course on a 390 px phone, in both themes: no page is wider than the screen, no lesson table
 * needs sideways scrolling (wide ones become one card per row), short inline code never wraps, and
 * the exercise picker of a lesson with several exercises is a column of full tap targets that
 * keeps the learner where they are when they pick one. No runner is needed: layout only.
 */
import { chromium, type Browser, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadCourse } from "../../lib/lessons/load";
import type { Lesson } from "../../lib/lessons/schema";
import { CHROMIUM_ARGS, startStack, type Stack } from "./stack";

const PHONE = { width: 390, height: 844 };
/** Inline code up to this many characters must sit on one line (rehype-inline-code.ts). */
const SHORT_CODE_CHARS = 24;

let stack: Stack;
let browser: Browser;
const course: Lesson[] = await loadCourse("lessons");
const paths = ["/", "/sign-in", "/sign-up", ...course.map((l) => `/lessons/${l.slug}`), "/me", "/leaderboard/anatomy/split-the-build"];

beforeAll(async () => {
  stack = await startStack();
  await stack.stopRunner(); // the layout does not depend on it
  browser = await chromium.launch({ executablePath: "/usr/bin/chromium", args: CHROMIUM_ARGS });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
});

async function phonePage(theme: "light" | "dark"): Promise<Page> {
  const context = await browser.newContext({ viewport: PHONE });
  // What the theme toggle stores (components/theme-boot.ts), read before the first paint.
  await context.addInitScript((t) => localStorage.setItem("sc-theme", t), theme);
  return context.newPage();
}

/** What breaks the phone layout on the current page, as readable lines (empty when none). */
function layoutProblems(page: Page, shortCode: number): Promise<string[]> {
  return page.evaluate((shortCode) => {
    const problems: string[] = [];
    const width = window.innerWidth;
    const doc = document.documentElement;
    if (doc.scrollWidth > width) {
      const wide = [...document.querySelectorAll<HTMLElement>("body *")]
        .filter((el) => el.getBoundingClientRect().right > width + 1)
        .slice(0, 3)
        .map((el) => `<${el.tagName.toLowerCase()} class="${el.className}">`);
      problems.push(`page is ${doc.scrollWidth}px wide: ${wide.join(", ")}`);
    }
    for (const box of document.querySelectorAll<HTMLElement>(".prose .table-scroll")) {
      if (box.scrollWidth > box.clientWidth + 1) {
        problems.push(`table "${box.getAttribute("aria-label")}" scrolls sideways (${box.scrollWidth} > ${box.clientWidth})`);
      }
    }
    for (const code of document.querySelectorAll<HTMLElement>(".prose :not(pre):not(td):not(th) > code")) {
      const text = code.textContent ?? "";
      if (text.length <= shortCode && code.getClientRects().length > 1) problems.push(`\`${text}\` wraps`);
    }
    return problems;
  }, shortCode);
}

describe("the course on a 390 px phone", () => {
  it.each(["light", "dark"] as const)("every page fits the screen (%s theme)", async (theme) => {
    const page = await phonePage(theme);
    for (const path of paths) {
      await page.goto(`${stack.webUrl}${path}`);
      await expect.poll(() => page.evaluate(() => document.documentElement.dataset.theme)).toBe(theme);
      await expect.poll(() => page.getByRole("heading", { level: 1 }).isVisible()).toBe(true);
      expect(await layoutProblems(page, SHORT_CODE_CHARS), `${path} (${theme})`).toEqual([]);
    }
    await page.context().close();
  });

  const multi = course.filter((l) => l.exercises.length > 1);
  it.each(multi.map((l) => ({ slug: l.slug, count: l.exercises.length })))(
    "$slug: the exercise picker is a column of tap targets and picking one keeps the learner by it",
    async ({ slug, count }) => {
      const lesson = course.find((l) => l.slug === slug)!;
      const page = await phonePage("light");
      await page.goto(`${stack.webUrl}/lessons/${slug}`);
      const picker = page.getByRole("navigation", { name: "Exercises in this lesson" });
      const choices = picker.getByRole("link");
      await expect.poll(() => choices.count()).toBe(count);
      await picker.scrollIntoViewIfNeeded();
      for (let i = 0; i < count; i++) {
        const box = (await choices.nth(i).boundingBox())!;
        expect(box.height, `choice ${i + 1}`).toBeGreaterThanOrEqual(44);
        expect(box.x + box.width, `choice ${i + 1}`).toBeLessThanOrEqual(PHONE.width);
      }

      const last = lesson.exercises.at(-1)!;
      const before = await page.evaluate(() => window.scrollY);
      expect(before, "the picker sits below the lesson text").toBeGreaterThan(PHONE.height);
      await choices.nth(count - 1).click();
      await page.waitForURL(`**/lessons/${slug}?exercise=${last.name}`);
      const title = page.getByRole("heading", { name: new RegExp(`^Exercise · ${escape(last.title)}`) });
      await expect.poll(() => title.count()).toBe(1);
      await expect.poll(() => choices.nth(count - 1).getAttribute("aria-current")).toBe("page");
      // Still by the picker, not thrown back to the top of a long lesson.
      expect(Math.abs((await page.evaluate(() => window.scrollY)) - before)).toBeLessThan(PHONE.height / 2);
      await page.context().close();
    },
  );
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
