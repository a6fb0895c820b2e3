/**
 * Reads the course from disk and validates all of it, so a content mistake stops `lessons:check`
 * (and with it `next build`) with the file at fault instead of surfacing as a broken page.
 *
 * Layout and schemas: ./schema.ts. Heading anchors and MDX rules: ./mdx.ts.
 * Server-only in practice (node:fs); kept free of Next.js so scripts and the runner can use it.
 */
import { lstat, readdir, readFile } from "node:fs/promises";
import path from "node:path";
import matter from "gray-matter";
import type { z } from "zod";
import { checkRefProblems } from "./check-refs";
import { inspectLessonMdx } from "./mdx";
import {
  ContentError,
  type Exercise,
  ExerciseManifest,
  type Lesson,
  LESSON_DIR,
  LessonFrontmatter,
} from "./schema";

export { createSlugger, githubSlug, LESSON_COMPONENTS, remarkLessonMdx } from "./mdx";

/** Exercise folder names: kebab-case, they become the second half of the exercise id. */
const EXERCISE_DIR = /^[a-z0-9][a-z0-9-]*$/;

/** @default "lessons", relative to the working directory (the repo root for every entry point). */
const DEFAULT_DIR = "lessons";

/** Paths in messages are relative to the working directory when inside it: short and clickable. */
function shown(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : file;
}

function fail(file: string, detail: string): never {
  throw new ContentError(shown(file), detail);
}

function issues(error: z.ZodError): string {
  return error.issues
    .map((i) => `${i.path.length ? i.path.map(String).join(".") : "(root)"}: ${i.message}`)
    .join("; ");
}

async function kindOf(p: string): Promise<"file" | "dir" | "link" | "other" | null> {
  try {
    const s = await lstat(p);
    if (s.isSymbolicLink()) return "link";
    return s.isFile() ? "file" : s.isDirectory() ? "dir" : "other";
  } catch {
    return null;
  }
}

async function readRequired(file: string): Promise<string> {
  const kind = await kindOf(file);
  if (kind !== "file") fail(file, kind === null ? "missing file" : "must be a regular file");
  return readFile(file, "utf8");
}

/** Directory entries that are not hidden (editors and OSes leave dotfiles around). */
async function visibleEntries(dir: string) {
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => !e.name.startsWith(".")).sort((a, b) => a.name.localeCompare(b.name));
}

/**
 * Every file under `context/`, relative, `/`-separated, sorted. Symlinks and special files are
 * refused: the runner tars these files into the build context and must never follow a link out.
 */
async function listContext(root: string): Promise<string[]> {
  const kind = await kindOf(root);
  if (kind !== "dir") fail(root, kind === null ? "missing context/ folder" : "context must be a folder");
  const out: string[] = [];
  const visit = async (dir: string, prefix: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const abs = path.join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await visit(abs, rel);
      else if (entry.isFile()) out.push(rel);
      else fail(abs, "context files must be regular files or folders (no symlinks)");
    }
  };
  await visit(root, "");
  return out.sort();
}

async function loadExerciseDir(
  dir: string,
  name: string,
  lessonSlug: string,
  anchors: ReadonlySet<string>,
  mdxFile: string,
): Promise<Exercise> {
  const manifestFile = path.join(dir, "exercise.json");
  const raw = await readRequired(manifestFile);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch (e) {
    fail(manifestFile, `invalid JSON: ${(e as Error).message}`);
  }
  const parsed = ExerciseManifest.safeParse(json);
  if (!parsed.success) fail(manifestFile, issues(parsed.error));
  parsed.data.checks.forEach((check, i) => {
    if (check.section !== undefined && !anchors.has(check.section)) {
      fail(
        manifestFile,
        `checks.${i}.section: "${check.section}" is not a heading anchor of ${shown(mdxFile)} ` +
          `(anchors: ${[...anchors].join(", ") || "none"})`,
      );
    }
  });
  const starter = await readRequired(path.join(dir, "starter.Dockerfile"));
  const solution = await readRequired(path.join(dir, "solution.Dockerfile"));
  if (!solution.trim()) fail(path.join(dir, "solution.Dockerfile"), "the solution is empty");
  const contextFiles = await listContext(path.join(dir, "context"));
  const refProblems = checkRefProblems(parsed.data.checks, { contextFiles, solution });
  if (refProblems.length > 0) fail(manifestFile, refProblems.join("; "));
  return {
    ...parsed.data,
    id: `${lessonSlug}/${name}`,
    lessonSlug,
    name,
    dir,
    starter,
    solution,
    contextFiles,
  };
}

async function loadLessonDir(dir: string, folder: string): Promise<Lesson> {
  const match = LESSON_DIR.exec(folder);
  if (!match) fail(dir, `lesson folders are named NN-slug (two digits, a dash, a kebab-case slug)`);
  const order = Number(match[1]);
  const slug = match[2]!;

  const mdxFile = path.join(dir, "index.mdx");
  const source = await readRequired(mdxFile);
  let fm: { data: unknown; content: string };
  try {
    // Passing options turns off gray-matter's module-level cache, which hands back shared objects.
    fm = matter(source, {});
  } catch (e) {
    fail(mdxFile, `frontmatter: ${(e as Error).message}`);
  }
  const front = LessonFrontmatter.safeParse(fm.data);
  if (!front.success) fail(mdxFile, `frontmatter: ${issues(front.error)}`);

  // The parser counts lines from the body; shift them so messages point into the file itself.
  const bodyOffset = source.slice(0, source.length - fm.content.length).split("\n").length - 1;
  let inspection: ReturnType<typeof inspectLessonMdx>;
  try {
    inspection = inspectLessonMdx(fm.content);
  } catch (e) {
    const err = e as { line?: number; column?: number; reason?: string; message: string };
    const at = err.line ? ` at line ${err.line + bodyOffset}:${err.column ?? 0}` : "";
    fail(mdxFile, `MDX does not parse${at}: ${err.reason ?? err.message}`);
  }
  const [problem] = inspection.problems;
  if (problem) fail(mdxFile, `line ${problem.line + bodyOffset}: ${problem.message}`);
  const anchors = new Set(inspection.headings.map((h) => h.id));

  const exercisesDir = path.join(dir, "exercises");
  const onDisk: string[] = [];
  const exKind = await kindOf(exercisesDir);
  if (exKind !== null && exKind !== "dir") fail(exercisesDir, "must be a folder");
  if (exKind === "dir") {
    for (const entry of await visibleEntries(exercisesDir)) {
      const p = path.join(exercisesDir, entry.name);
      if (!entry.isDirectory()) fail(p, "only exercise folders belong in exercises/");
      if (!EXERCISE_DIR.test(entry.name)) fail(p, "exercise folder names are kebab-case");
      onDisk.push(entry.name);
    }
  }
  const listed = front.data.exercises;
  if (listed) {
    const dup = listed.find((n, i) => listed.indexOf(n) !== i);
    if (dup) fail(mdxFile, `frontmatter: exercises lists "${dup}" twice`);
    const missing = listed.find((n) => !onDisk.includes(n));
    if (missing) fail(mdxFile, `frontmatter: exercise "${missing}" has no folder ${shown(path.join(exercisesDir, missing))}`);
    // An unlisted folder would be loadable by id but never shown: almost certainly a mistake.
    const unlisted = onDisk.find((n) => !listed.includes(n));
    if (unlisted) fail(mdxFile, `frontmatter: exercises does not list the folder "${unlisted}"`);
  }
  const exercises: Exercise[] = [];
  for (const name of listed ?? onDisk) {
    exercises.push(await loadExerciseDir(path.join(exercisesDir, name), name, slug, anchors, mdxFile));
  }
  return { ...front.data, slug, order, dir, body: fm.content, exercises };
}

/**
 * The last course loaded from each folder, with a fingerprint of its files. Loading parses and
 * validates every lesson (tens of milliseconds, more with each lesson), and the runner loads an
 * exercise for every Run while the web app loads lessons for every request; the fingerprint
 * (every path with its size and mtime) costs a few stats, and any edit changes it, so
 * `npm run dev` still sees edits at once.
 */
const loaded = new Map<string, { fingerprint: string; course: Promise<Lesson[]> }>();

async function fingerprint(dir: string): Promise<string> {
  const parts: string[] = [];
  const walk = async (at: string): Promise<void> => {
    for (const entry of await readdir(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      const info = await lstat(full);
      parts.push(`${full}:${info.size}:${info.mtimeMs}`);
      if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return parts.join("\n");
}

/** Loads and validates the whole course, lessons in folder order. Throws ContentError. */
export async function loadCourse(dir: string = DEFAULT_DIR): Promise<Lesson[]> {
  const root = path.resolve(/*turbopackIgnore: true*/ dir);
  const print = await fingerprint(root).catch(() => null);
  const cached = print === null ? undefined : loaded.get(root);
  if (cached && cached.fingerprint === print) return cached.course;
  const course = readCourse(root);
  if (print !== null) {
    loaded.set(root, { fingerprint: print, course });
    // A failed load is not kept: the next call reports the mistake afresh (and sees a fix).
    course.catch(() => {
      if (loaded.get(root)?.course === course) loaded.delete(root);
    });
  }
  return course;
}

async function readCourse(dir: string): Promise<Lesson[]> {
  // The folder is chosen at run time (LESSONS_DIR): tell Turbopack not to trace the project from it.
  const root = path.resolve(/*turbopackIgnore: true*/ dir);
  const kind = await kindOf(root);
  if (kind !== "dir") fail(root, kind === null ? "the lessons folder does not exist" : "must be a folder");
  const lessons: Lesson[] = [];
  for (const entry of await visibleEntries(root)) {
    // Loose files (a README for authors) may sit beside the lesson folders.
    if (!entry.isDirectory()) continue;
    lessons.push(await loadLessonDir(path.join(root, entry.name), entry.name));
  }
  const bySlug = new Map<string, Lesson>();
  const byOrder = new Map<number, Lesson>();
  for (const lesson of lessons) {
    const sameSlug = bySlug.get(lesson.slug);
    if (sameSlug) fail(lesson.dir, `duplicate lesson slug "${lesson.slug}" (also ${shown(sameSlug.dir)})`);
    const sameOrder = byOrder.get(lesson.order);
    if (sameOrder) fail(lesson.dir, `duplicate lesson number ${lesson.order} (also ${shown(sameOrder.dir)})`);
    bySlug.set(lesson.slug, lesson);
    byOrder.set(lesson.order, lesson);
  }
  return lessons;
}

/** One lesson by slug, or null. Validates the whole course: a broken course is never half-served. */
export async function loadLesson(slug: string, dir?: string): Promise<Lesson | null> {
  return (await loadCourse(dir)).find((l) => l.slug === slug) ?? null;
}

/** One exercise by id (`<lesson slug>/<exercise folder>`), or null. */
export async function loadExercise(id: string, dir?: string): Promise<Exercise | null> {
  const [slug, name, ...rest] = id.split("/");
  if (!slug || !name || rest.length) return null;
  const lesson = await loadLesson(slug, dir);
  return lesson?.exercises.find((e) => e.name === name) ?? null;
}
