import { execFile } from "node:child_process";
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { lintDockerfile } from "../lib/dockerfile/index";
import { loadCourse } from "../lib/lessons/load";
import { checkCourse } from "./lessons-check";
import { createLesson, ScaffoldError } from "./lessons-new";

const FIXTURE = "tests/fixtures/lessons";
const run = promisify(execFile);

let root: string;

beforeEach(async () => {
  // The fixture course (01-fixture) stands in for a course that already has lessons.
  root = await mkdtemp(path.join(os.tmpdir(), "stagecraft-new-"));
  await cp(FIXTURE, root, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function refusal(opts: Parameters<typeof createLesson>[0]): Promise<string> {
  const error = await createLesson(opts).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ScaffoldError);
  return (error as Error).message;
}

describe("createLesson", () => {
  it("scaffolds a lesson that lessons:check and the loader accept at once", async () => {
    const made = await createLesson({ dir: root, name: "07-health-checks", exercise: "probe-it", title: "Health checks: a first look" });
    expect(made).toMatchObject({ slug: "health-checks", order: 7, exercise: "probe-it", folder: path.join(root, "07-health-checks") });

    const { lessons, problems } = await checkCourse(root);
    expect(problems).toEqual([]);
    const lesson = lessons.find((l) => l.slug === "health-checks")!;
    expect(lesson).toMatchObject({ order: 7, title: "Health checks: a first look", minutes: 15 });
    const [exercise] = lesson.exercises;
    expect(exercise).toMatchObject({ id: "health-checks/probe-it", contextFiles: ["hello.sh"] });
    expect(exercise!.checks.map((c) => c.kind)).toEqual(["build-succeeds", "container-output"]);
    expect(exercise!.checks[1]).toMatchObject({ stdoutIncludes: ["Hello from health-checks", "as uid 65532"] });
  });

  it("gives the starter a reason to fail and the solution none: root in one, uid 65532 in the other", async () => {
    await createLesson({ dir: root, name: "02-users" });
    const [, lesson] = await loadCourse(root);
    const exercise = lesson!.exercises[0]!;
    expect(exercise.id).toBe("users/first-exercise");
    expect(exercise.starter).not.toMatch(/^USER/m);
    expect(exercise.solution).toMatch(/^USER 65532:65532$/m);
    expect(lintDockerfile(exercise.solution).filter((d) => d.severity !== "info")).toEqual([]);
    const script = path.join(exercise.dir, "context/hello.sh");
    expect((await stat(script)).mode & 0o111).not.toBe(0);
    expect(await readFile(script, "utf8")).toContain('echo "Hello from users, running as uid $(id -u)"');
  });

  it("takes the number after the last lesson when none is given", async () => {
    await createLesson({ dir: root, name: "05-later" });
    const made = await createLesson({ dir: root, name: "next-one" });
    expect(path.basename(made.folder)).toBe("06-next-one");
    expect((await loadCourse(root)).map((l) => l.order)).toEqual([1, 5, 6]);
  });

  it("starts an empty course at 01", async () => {
    const empty = path.join(root, "empty");
    await mkdir(empty);
    expect(path.basename((await createLesson({ dir: empty, name: "intro" })).folder)).toBe("01-intro");
  });

  it("refuses to overwrite a folder, or to reuse a slug or a number", async () => {
    const before = await readFile(path.join(root, "01-fixture/index.mdx"), "utf8");
    expect(await refusal({ dir: root, name: "01-fixture" })).toMatch(/01-fixture already exists; lessons:new never overwrites/);
    expect(await refusal({ dir: root, name: "fixture" })).toMatch(/the slug "fixture" is taken by .*01-fixture/);
    expect(await refusal({ dir: root, name: "01-other" })).toMatch(/the number 01 is taken by .*01-fixture/);
    expect(await readFile(path.join(root, "01-fixture/index.mdx"), "utf8")).toBe(before);
  });

  it.each([
    ["Health", /not a valid slug/],
    ["7-health", /the number has two digits/],
    ["123-health", /the number has two digits/],
    ["07-", /not a valid slug/],
    ["07-health--checks", /not a valid slug/],
    ["health-", /not a valid slug/],
    ["../escape", /not a valid slug/],
    ["00-zero", /01 to 99/],
  ])("refuses the name %s", async (name, message) => {
    expect(await refusal({ dir: root, name })).toMatch(message);
  });

  it("refuses a bad exercise name or title, and a missing lessons folder", async () => {
    expect(await refusal({ dir: root, name: "x", exercise: "Bad_Name" })).toMatch(/not a valid exercise name/);
    expect(await refusal({ dir: root, name: "x", title: "two\nlines" })).toMatch(/one non-empty line/);
    expect(await refusal({ dir: path.join(root, "nope"), name: "x" })).toMatch(/does not exist/);
  });

  it("leaves nothing behind when it refuses", async () => {
    await refusal({ dir: root, name: "x", exercise: "Bad" });
    await refusal({ dir: root, name: "fixture" });
    expect(await readdir(root)).toEqual(["01-fixture", "README.md"]);
  });
});

describe("lessons-new.ts as a command", () => {
  const tsx = path.resolve("node_modules/.bin/tsx");

  it("prints the files and the next steps, then refuses the same lesson again", async () => {
    const { stdout } = await run(tsx, ["scripts/lessons-new.ts", "caching", "--dir", root, "--exercise", "warm-cache"]);
    expect(stdout).toContain(`Created ${path.join(root, "02-caching")}:`);
    expect(stdout).toContain("exercises/warm-cache/exercise.json");
    expect(stdout).toContain(`npm run lessons:verify -- --dir ${root} --only caching/warm-cache --repeat 2`);

    const again = await run(tsx, ["scripts/lessons-new.ts", "02-caching", "--dir", root]).catch((e: unknown) => e);
    expect(again).toMatchObject({ code: 1 });
    expect((again as { stderr: string }).stderr).toContain("already exists; lessons:new never overwrites");
  }, 30_000);

  it("prints the usage and exits 2 without a lesson name", async () => {
    const error = await run(tsx, ["scripts/lessons-new.ts", "--dir", root]).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 2 });
    expect((error as { stderr: string }).stderr).toMatch(/^usage: npm run lessons:new -- <NN-slug \| slug>/);
  }, 30_000);
});
