/**
 * The unified plugins every lesson compile uses (the build-time check, the page, and the tests),
 * so what a test renders is what a learner sees. Kept apart from `compile-lesson.ts`, which is
 * server-only.
 */
import { LESSON_REMARK_PLUGINS } from "@/lib/lessons/mdx";
import { rehypeInlineCode } from "./rehype-inline-code";
import { rehypeLessonTables } from "./rehype-lesson-tables";

export const LESSON_MDX_PLUGINS = {
  remarkPlugins: LESSON_REMARK_PLUGINS,
  // Tables first: the inline-code plugin leaves code in table cells to it.
  rehypePlugins: [rehypeLessonTables, rehypeInlineCode],
};
