import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { watchCourse, type CourseChange } from "./watch-course";

let dir = "";
let stop: (() => void) | undefined;
afterEach(() => {
  stop?.();
  rmSync(dir, { recursive: true, force: true });
});

function nextChange(): Promise<CourseChange> {
  return new Promise((resolve) => {
    stop = watchCourse(dir, resolve, 50);
  });
}

describe("watchCourse", () => {
  it("reports an edit deep in a lesson folder once, after a burst of writes settles", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "watch-course-"));
    mkdirSync(path.join(dir, "01-a", "exercises", "x"), { recursive: true });
    const changes: CourseChange[] = [];
    stop = watchCourse(dir, (c) => changes.push(c), 50);
    const file = path.join(dir, "01-a", "exercises", "x", "exercise.json");
    for (let i = 0; i < 5; i++) writeFileSync(file, `{"n": ${i}}`);
    await expect.poll(() => changes.length, { timeout: 3_000 }).toBe(1);
    expect(changes[0]?.files).toContain("01-a/exercises/x/exercise.json");
  });

  it("ignores hidden files such as editor swap files", async () => {
    dir = mkdtempSync(path.join(tmpdir(), "watch-course-"));
    const seen = nextChange();
    writeFileSync(path.join(dir, ".index.mdx.swp"), "x");
    writeFileSync(path.join(dir, "index.mdx"), "# hi");
    expect((await seen).files).toEqual(["index.mdx"]);
  });
});
