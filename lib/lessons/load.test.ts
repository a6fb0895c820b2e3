import { cp, mkdir, mkdtemp, readFile, rename, rm, symlink, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadCourse, loadExercise, loadLesson } from "./load";
import { ContentError } from "./schema";

const FIXTURE = path.resolve(import.meta.dirname, "../../tests/fixtures/lessons");

// Each test gets its own copy of the fixture course and breaks exactly one thing in it.
let root: string;
const lesson = () => path.join(root, "01-fixture");
const exercise = () => path.join(lesson(), "exercises/echo");

beforeEach(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), "stagecraft-lessons-"));
  await cp(FIXTURE, root, { recursive: true });
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function edit(file: string, change: (text: string) => string): Promise<void> {
  await writeFile(file, change(await readFile(file, "utf8")));
}

async function editManifest(change: (m: { checks: Record<string, unknown>[] } & Record<string, unknown>) => void) {
  await edit(path.join(exercise(), "exercise.json"), (t) => {
    const m = JSON.parse(t);
    change(m);
    return JSON.stringify(m);
  });
}

/** Asserts that loading fails with a ContentError naming `file` and matching `detail`. */
async function expectContentError(file: string, detail: RegExp): Promise<void> {
  const error = await loadCourse(root).then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ContentError);
  const ce = error as ContentError;
  expect(path.resolve(ce.file)).toBe(path.resolve(file));
  expect(ce.message).toMatch(detail);
}

describe("loadCourse on the fixture course", () => {
  it("loads lessons, exercises, files and schema defaults", async () => {
    const [l, ...rest] = await loadCourse(FIXTURE);
    expect(rest).toEqual([]);
    expect(l).toMatchObject({ slug: "fixture", order: 1, title: "Fixture lesson", minutes: 1 });
    expect(l!.body).toContain("# The fixture");
    const ex = l!.exercises[0]!;
    expect(ex).toMatchObject({ id: "fixture/echo", lessonSlug: "fixture", name: "echo", contextFiles: ["message.txt"] });
    expect(path.isAbsolute(ex.dir)).toBe(true);
    expect(ex.starter).toContain("CMD cat /message.txt");
    expect(ex.solution).toContain("COPY --from=build");
    const output = ex.checks.find((c) => c.kind === "container-output");
    expect(output).toMatchObject({ exitCode: 0, timeoutMs: 10_000 });
  });

  it("lists context files recursively, sorted, relative with forward slashes", async () => {
    const ctx = path.join(exercise(), "context");
    await mkdir(path.join(ctx, "b/deep"), { recursive: true });
    await writeFile(path.join(ctx, "b/deep/z.txt"), "z");
    await writeFile(path.join(ctx, "a.txt"), "a");
    const ex = await loadExercise("fixture/echo", root);
    expect(ex?.contextFiles).toEqual(["a.txt", "b/deep/z.txt", "message.txt"]);
  });

  it("orders exercises by the frontmatter list, else alphabetically", async () => {
    await cp(exercise(), path.join(lesson(), "exercises/another"), { recursive: true });
    await edit(path.join(lesson(), "index.mdx"), (t) => t.replace("  - echo\n", "  - echo\n  - another\n"));
    expect((await loadCourse(root))[0]!.exercises.map((e) => e.name)).toEqual(["echo", "another"]);
    await edit(path.join(lesson(), "index.mdx"), (t) => t.replace(/exercises:\n(  - .*\n)+/, ""));
    expect((await loadCourse(root))[0]!.exercises.map((e) => e.name)).toEqual(["another", "echo"]);
  });

  it("ignores loose files and dotfiles beside lesson folders", async () => {
    await mkdir(path.join(root, ".drafts"));
    expect(await loadCourse(root)).toHaveLength(1);
  });
});

describe("loadLesson and loadExercise", () => {
  it("find by slug and id, and answer null for unknown or malformed ones", async () => {
    expect((await loadLesson("fixture", root))?.title).toBe("Fixture lesson");
    expect(await loadLesson("nope", root)).toBeNull();
    expect((await loadExercise("fixture/echo", root))?.title).toMatch(/Echo/);
    for (const id of ["fixture/nope", "nope/echo", "fixture", "fixture/echo/x", ""]) {
      expect(await loadExercise(id, root)).toBeNull();
    }
  });
});

describe("content mistakes throw ContentError with the file", () => {
  it("a lesson folder not named NN-slug", async () => {
    await rename(lesson(), path.join(root, "1-Fixture"));
    await expectContentError(path.join(root, "1-Fixture"), /NN-slug/);
  });

  it("a missing lessons folder", async () => {
    await rm(root, { recursive: true });
    await expectContentError(root, /does not exist/);
  });

  it("a missing index.mdx", async () => {
    await rm(path.join(lesson(), "index.mdx"));
    await expectContentError(path.join(lesson(), "index.mdx"), /missing file/);
  });

  it("frontmatter that breaks the schema, with the field", async () => {
    await edit(path.join(lesson(), "index.mdx"), (t) => t.replace("minutes: 1", 'minutes: "soon"'));
    await expectContentError(path.join(lesson(), "index.mdx"), /frontmatter: minutes: /);
  });

  it("frontmatter that is not YAML", async () => {
    await edit(path.join(lesson(), "index.mdx"), (t) => t.replace("minutes: 1", "minutes: [1"));
    await expectContentError(path.join(lesson(), "index.mdx"), /frontmatter/);
  });

  it("MDX that does not parse, with the file's line", async () => {
    await edit(path.join(lesson(), "index.mdx"), (t) => t.replace("## Two stages", "## Two stages {#two}"));
    await expectContentError(path.join(lesson(), "index.mdx"), /does not parse at line 13:16:/);
  });

  it("a component the web app does not provide", async () => {
    await edit(path.join(lesson(), "index.mdx"), (t) => t.replaceAll("Note>", "Callout>"));
    await expectContentError(path.join(lesson(), "index.mdx"), /line 24: component <Callout> is not one of <Note>, <Try>/);
  });

  it("a code fence without a file name", async () => {
    await edit(path.join(lesson(), "index.mdx"), (t) => t.replace(' title="Dockerfile"', ""));
    await expectContentError(path.join(lesson(), "index.mdx"), /line 17: code fences need/);
  });

  it("frontmatter exercises naming a missing folder", async () => {
    await edit(path.join(lesson(), "index.mdx"), (t) => t.replace("  - echo\n", "  - echo\n  - ghost\n"));
    await expectContentError(path.join(lesson(), "index.mdx"), /"ghost" has no folder/);
  });

  it("an exercise folder the frontmatter does not list", async () => {
    await cp(exercise(), path.join(lesson(), "exercises/extra"), { recursive: true });
    await expectContentError(path.join(lesson(), "index.mdx"), /does not list the folder "extra"/);
  });

  it("an exercise folder that is not kebab-case", async () => {
    await rename(exercise(), path.join(lesson(), "exercises/Echo"));
    await edit(path.join(lesson(), "index.mdx"), (t) => t.replace(/exercises:\n(  - .*\n)+/, ""));
    await expectContentError(path.join(lesson(), "exercises/Echo"), /kebab-case/);
  });

  it("a missing exercise.json", async () => {
    await rm(path.join(exercise(), "exercise.json"));
    await expectContentError(path.join(exercise(), "exercise.json"), /missing file/);
  });

  it("exercise.json that is not JSON", async () => {
    await edit(path.join(exercise(), "exercise.json"), (t) => t.replace("{", "{,"));
    await expectContentError(path.join(exercise(), "exercise.json"), /invalid JSON/);
  });

  it("exercise.json that breaks the schema, with the field path", async () => {
    await editManifest((m) => {
      m.checks[1]!.kind = "stage-cuont";
    });
    await expectContentError(path.join(exercise(), "exercise.json"), /checks\.1\.kind: /);
  });

  it("duplicate check ids", async () => {
    await editManifest((m) => {
      m.checks[1]!.id = "builds";
    });
    await expectContentError(path.join(exercise(), "exercise.json"), /checks\.1\.id: duplicate check id "builds"/);
  });

  it("a check section with no matching heading anchor", async () => {
    await editManifest((m) => {
      m.checks[2]!.section = "two-stage";
    });
    await expectContentError(
      path.join(exercise(), "exercise.json"),
      /checks\.2\.section: "two-stage" is not a heading anchor of .*index\.mdx \(anchors: the-fixture, two-stages,/,
    );
  });

  it.each(["starter.Dockerfile", "solution.Dockerfile"])("a missing %s", async (file) => {
    await rm(path.join(exercise(), file));
    await expectContentError(path.join(exercise(), file), /missing file/);
  });

  it("an empty solution", async () => {
    await writeFile(path.join(exercise(), "solution.Dockerfile"), "\n");
    await expectContentError(path.join(exercise(), "solution.Dockerfile"), /empty/);
  });

  it("a missing context folder", async () => {
    await rm(path.join(exercise(), "context"), { recursive: true });
    await expectContentError(path.join(exercise(), "context"), /missing context/);
  });

  it("a symlink inside context (the runner must never follow one out)", async () => {
    await symlink("/etc/passwd", path.join(exercise(), "context/passwd"));
    await expectContentError(path.join(exercise(), "context/passwd"), /no symlinks/);
  });

  it("two lessons with the same slug", async () => {
    await cp(lesson(), path.join(root, "02-fixture"), { recursive: true });
    await expectContentError(path.join(root, "02-fixture"), /duplicate lesson slug "fixture"/);
  });

  it("two lessons with the same number", async () => {
    await cp(lesson(), path.join(root, "01-other"), { recursive: true });
    await expectContentError(path.join(root, "01-other"), /duplicate lesson number 1/);
  });

  it("messages name the path relative to the working directory when inside it", async () => {
    const error = await loadCourse(path.join(FIXTURE, "..", "missing-course")).catch((e: unknown) => e);
    expect((error as ContentError).file).toBe("tests/fixtures/missing-course");
  });
});

describe("loadCourse's cache", () => {
  it("serves an unchanged course without reloading it, and sees an edit at once", async () => {
    const first = await loadCourse(root);
    expect(await loadCourse(root)).toBe(first);

    await edit(path.join(lesson(), "index.mdx"), (t) => t.replace("title: Fixture lesson", "title: Edited fixture"));
    const edited = await loadCourse(root);
    expect(edited).not.toBe(first);
    expect(edited[0]).toMatchObject({ title: "Edited fixture" });
  });

  it("does not keep a failed load: fixing the mistake is seen on the next call", async () => {
    const manifest = path.join(exercise(), "exercise.json");
    const good = await readFile(manifest, "utf8");
    await writeFile(manifest, "{ not json");
    await expectContentError(manifest, /JSON/i);
    await writeFile(manifest, good);
    expect((await loadCourse(root))[0]?.exercises[0]?.id).toBe("fixture/echo");
  });
});
