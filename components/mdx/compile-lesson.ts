/**
 * Lesson MDX → a React component, on the server. Headings get the anchors check links point at
 * (`remarkLessonMdx` from the content module decides them, so links and ids cannot drift).
 */
import "server-only";
import { compile, evaluate } from "@mdx-js/mdx";
import type { MDXContent } from "mdx/types";
import * as runtime from "react/jsx-runtime";
import type { Lesson } from "@/lib/lessons/schema";
import { LESSON_MDX_PLUGINS } from "./lesson-plugins";

function mdxFile(lesson: Lesson): string {
  return `${lesson.dir}/index.mdx`;
}

/** Rethrows an MDX error with the file it is in, so `next build` names the lesson at fault. */
function withPath(lesson: Lesson, err: unknown): Error {
  const detail = err instanceof Error ? err.message : String(err);
  return new Error(`${mdxFile(lesson)}: ${detail}`, { cause: err });
}

/** Compiles without running: used at build time to fail on a broken lesson before any request. */
export async function checkLessonCompiles(lesson: Lesson): Promise<void> {
  try {
    await compile(lesson.body, LESSON_MDX_PLUGINS);
  } catch (err) {
    throw withPath(lesson, err);
  }
}

export async function compileLesson(lesson: Lesson): Promise<MDXContent> {
  try {
    const mod = await evaluate(lesson.body, { ...runtime, ...LESSON_MDX_PLUGINS });
    return mod.default;
  } catch (err) {
    throw withPath(lesson, err);
  }
}
