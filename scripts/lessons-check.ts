/**
 * `npm run lessons:check [dir]`: validates the course without an engine, before `next build`.
 *
 * Beyond what `loadCourse` validates (layout, schemas, anchors), it checks what the sandbox would
 * refuse: every starter and solution must pass the runner's admission (a starter is meant to fail a
 * check, never to be turned away before building), no solution may carry an editor error, and every
 * context must fit the runner's limits.
 * For the real course it also checks that each lesson link the Dockerfile rules use
 * (`LESSON_LINKS`) lands on an existing heading. Exits 1 with `path: problem` lines on any mistake.
 * Building starters and solutions on the engine is `lessons:verify`'s job.
 */
import { stat } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { admitDockerfile, LESSON_LINKS, lintDockerfile } from "../lib/dockerfile/index";
import { findCatalogImage } from "../lib/image-catalog";
import { loadCourse } from "../lib/lessons/load";
import { inspectLessonMdx } from "../lib/lessons/mdx";
import { ContentError, type Exercise, type Lesson } from "../lib/lessons/schema";
import { SANDBOX_LIMITS } from "../sandbox-runner/src/limits";

export type CourseProblem = { file: string; message: string };

const shown = (file: string) => path.relative(process.cwd(), file) || file;

function admissionProblems(exercise: Exercise): CourseProblem[] {
  return (["starter", "solution"] as const).flatMap((which) => {
    const admission = admitDockerfile(exercise[which], {
      maxBytes: SANDBOX_LIMITS.dockerfile.maxBytes,
      maxLines: SANDBOX_LIMITS.dockerfile.maxLines,
      allowedImages: (ref) => findCatalogImage(ref) !== undefined,
    });
    if (admission.ok) return [];
    const file = shown(path.join(exercise.dir, `${which}.Dockerfile`));
    return admission.problems.map((p) => ({
      file,
      message: `${p.line ? `line ${p.line}: ` : ""}the sandbox would refuse this (${p.rule}): ${p.message}`,
    }));
  });
}

/** A reference solution the editor underlines in red would teach the wrong thing. */
function solutionLintProblems(exercise: Exercise): CourseProblem[] {
  const file = shown(path.join(exercise.dir, "solution.Dockerfile"));
  return lintDockerfile(exercise.solution)
    .filter((d) => d.severity === "error")
    .map((d) => ({ file, message: `line ${d.startLine}: the editor marks this as an error (${d.rule}): ${d.message}` }));
}

async function contextProblems(exercise: Exercise): Promise<CourseProblem[]> {
  const { maxBytes, maxFiles } = SANDBOX_LIMITS.context;
  const dir = path.join(exercise.dir, "context");
  let bytes = 0;
  for (const file of exercise.contextFiles) bytes += (await stat(path.join(dir, file))).size;
  // +1 file and the solution's bytes: the runner adds the learner's Dockerfile to the same tar.
  const files = exercise.contextFiles.length + 1;
  bytes += Buffer.byteLength(exercise.solution);
  const problems: CourseProblem[] = [];
  if (files > maxFiles) problems.push({ file: shown(dir), message: `${files} files with the Dockerfile; the runner allows ${maxFiles}` });
  if (bytes > maxBytes) problems.push({ file: shown(dir), message: `${bytes} bytes with the Dockerfile; the runner allows ${maxBytes}` });
  return problems;
}

/** Every `LESSON_LINKS` target must be a lesson of this course with a heading of that anchor. */
function ruleLinkProblems(lessons: Lesson[]): CourseProblem[] {
  const file = "lib/dockerfile/links.ts";
  return Object.entries(LESSON_LINKS).flatMap(([key, link]) => {
    const match = /^\/lessons\/([^#/]+)#(.+)$/.exec(link);
    if (!match) return [{ file, message: `LESSON_LINKS.${key} = "${link}" is not /lessons/<slug>#<anchor>` }];
    const lesson = lessons.find((l) => l.slug === match[1]);
    if (!lesson) return [{ file, message: `LESSON_LINKS.${key} = "${link}": there is no lesson "${match[1]}"` }];
    const anchors = inspectLessonMdx(lesson.body).headings.map((h) => h.id);
    if (anchors.includes(match[2]!)) return [];
    return [
      {
        file: shown(path.join(lesson.dir, "index.mdx")),
        message: `no heading with anchor "${match[2]}", which LESSON_LINKS.${key} (${file}) links to`,
      },
    ];
  });
}

/**
 * Loads and checks a course. `ruleLinks` checks LESSON_LINKS against it: only meaningful for the
 * real course. @default true when `dir` is the default "lessons"
 */
export async function checkCourse(
  dir = "lessons",
  opts: { ruleLinks?: boolean } = {},
): Promise<{ lessons: Lesson[]; problems: CourseProblem[] }> {
  let lessons: Lesson[];
  try {
    lessons = await loadCourse(dir);
  } catch (e) {
    if (!(e instanceof ContentError)) throw e;
    const detail = e.message.slice(e.file.length + 2);
    return { lessons: [], problems: [{ file: e.file, message: detail }] };
  }
  const problems: CourseProblem[] = [];
  for (const exercise of lessons.flatMap((l) => l.exercises)) {
    problems.push(...admissionProblems(exercise), ...solutionLintProblems(exercise), ...(await contextProblems(exercise)));
  }
  if (opts.ruleLinks ?? dir === "lessons") problems.push(...ruleLinkProblems(lessons));
  return { lessons, problems };
}

export function summarize(lesson: Lesson): string {
  const exercises = lesson.exercises.map((e) => `${e.name} (${e.checks.length} checks)`).join(", ");
  const anchors = inspectLessonMdx(lesson.body).headings.length;
  const number = String(lesson.order).padStart(2, "0");
  return `${number} ${lesson.slug}: "${lesson.title}", ${lesson.minutes} min, ${anchors} headings, exercises: ${exercises || "none"}`;
}

async function main(): Promise<void> {
  const dir = process.argv[2] ?? "lessons";
  const { lessons, problems } = await checkCourse(dir);
  for (const lesson of lessons) console.log(summarize(lesson));
  if (problems.length > 0) {
    for (const p of problems) console.error(`${p.file}: ${p.message}`);
    console.error(`lessons:check: ${problems.length} problem(s) in ${dir}`);
    process.exit(1);
  }
  console.log(`lessons:check: ${lessons.length} lesson(s) in ${dir} are valid`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  await main();
}
