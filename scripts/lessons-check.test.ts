import { readdirSync } from "node:fs";
import { execFile } from "node:child_process";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { checkCourse } from "./lessons-check";

const FIXTURE = "tests/fixtures/lessons";
const run = promisify(execFile);

let root: string;
const echo = () => path.join(root, "01-fixture/exercises/echo");

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "stagecraft-check-"));
  await cp(FIXTURE, root, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("checkCourse", () => {
  it("accepts the fixture course", async () => {
    const { lessons, problems } = await checkCourse(FIXTURE);
    expect(problems).toEqual([]);
    expect(lessons.map((l) => l.slug)).toEqual(["fixture"]);
  });

  it("accepts the real course, including every LESSON_LINKS anchor the Dockerfile rules use", async () => {
    const { lessons, problems } = await checkCourse("lessons");
    expect(problems).toEqual([]);
    // Every lesson folder, in folder order (the course grows; the check must not skip any).
    const folders = readdirSync("lessons").filter((d) => /^\d{2}-/.test(d)).sort();
    expect(lessons.map((l) => l.slug)).toEqual(folders.map((d) => d.slice(3)));
    expect(lessons.length).toBeGreaterThanOrEqual(14);
  });

  it("reports a LESSON_LINKS anchor missing from a lesson", async () => {
    const { problems } = await checkCourse(FIXTURE, { ruleLinks: true });
    expect(problems[0]).toMatchObject({ file: "lib/dockerfile/links.ts" });
    expect(problems[0]!.message).toMatch(/there is no lesson "anatomy"|there is no lesson "monolithic-image"/);
  });

  it("reports a solution the sandbox would refuse, with its path and line", async () => {
    await writeFile(path.join(echo(), "solution.Dockerfile"), "FROM alpine:3.19\nCMD [\"true\"]\n");
    const { problems } = await checkCourse(root);
    expect(problems.map((p) => path.resolve(p.file))).toEqual(problems.map(() => path.join(echo(), "solution.Dockerfile")));
    expect(problems.map((p) => p.message)).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^line 1: the sandbox would refuse this \(base-image-not-allowed\)/),
        expect.stringMatching(/^line 1: the editor marks this as an error/),
      ]),
    );
  });

  it("reports a starter the sandbox would refuse (starters must fail checks, not admission)", async () => {
    await writeFile(path.join(echo(), "starter.Dockerfile"), "# syntax=docker/dockerfile:1\nFROM stagecraft/busybox:1.35\n");
    const { problems } = await checkCourse(root);
    expect(path.resolve(problems[0]!.file)).toBe(path.join(echo(), "starter.Dockerfile"));
    expect(problems[0]!.message).toMatch(/parser-directive/);
  });

  it("turns a ContentError into one problem with its file", async () => {
    await rm(path.join(echo(), "exercise.json"));
    const { lessons, problems } = await checkCourse(root);
    expect(lessons).toEqual([]);
    expect(problems).toHaveLength(1);
    expect(path.resolve(problems[0]!.file)).toBe(path.join(echo(), "exercise.json"));
    expect(problems[0]!.message).toBe("missing file");
  });
});

describe("lessons-check.ts as a command", () => {
  const tsx = path.resolve("node_modules/.bin/tsx");

  it("prints one line per lesson and exits 0 on a valid course", async () => {
    const { stdout } = await run(tsx, ["scripts/lessons-check.ts", FIXTURE]);
    expect(stdout).toMatch(/^01 fixture: "Fixture lesson", 1 min, 4 headings, exercises: echo \(7 checks\)$/m);
  }, 30_000);

  it("prints the path and the problem and exits 1 on a broken course", async () => {
    await writeFile(path.join(echo(), "exercise.json"), "{ not json");
    const error = await run(tsx, ["scripts/lessons-check.ts", root]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 1 });
    expect((error as { stderr: string }).stderr).toContain("01-fixture/exercises/echo/exercise.json: invalid JSON");
  }, 30_000);
});
