/**
 * The shape of course content on disk.
 *
 *   lessons/NN-slug/index.mdx                       prose + frontmatter (LessonFrontmatter)
 *   lessons/NN-slug/exercises/<name>/exercise.json  ExerciseManifest
 *   lessons/NN-slug/exercises/<name>/starter.Dockerfile
 *   lessons/NN-slug/exercises/<name>/solution.Dockerfile
 *   lessons/NN-slug/exercises/<name>/context/…      files the learner's build sees
 *
 * An exercise's id is `<lesson slug>/<exercise folder name>`, e.g. `anatomy/split-the-build`.
 */
import { z } from "zod";
import { CheckSpec } from "../checks";

export const LessonFrontmatter = z.strictObject({
  title: z.string().min(1),
  /** One sentence for the course index. */
  summary: z.string().min(1),
  /** Minutes a learner should plan for. */
  minutes: z.number().int().positive(),
  /** Exercise folder names shown on the page, in order. @default all, alphabetically */
  exercises: z.array(z.string()).optional(),
});
export type LessonFrontmatter = z.infer<typeof LessonFrontmatter>;

export const ExerciseManifest = z
  .strictObject({
    title: z.string().min(1),
    /** The task in one or two sentences, shown above the editor. */
    prompt: z.string().min(1),
    /** Hints shown one at a time, gentlest first. */
    hints: z.array(z.string().min(1)).min(1),
    checks: z.array(CheckSpec).min(1),
  })
  .superRefine((m, ctx) => {
    const seen = new Set<string>();
    m.checks.forEach((c, i) => {
      if (seen.has(c.id)) {
        ctx.addIssue({ code: "custom", path: ["checks", i, "id"], message: `duplicate check id "${c.id}"` });
      }
      seen.add(c.id);
      if (c.kind === "health-probe" && c.mode === "http" && c.port === undefined) {
        ctx.addIssue({ code: "custom", path: ["checks", i, "port"], message: "health-probe in http mode needs the port the app listens on" });
      }
      if (c.kind === "stage-count") {
        if (c.min === undefined && c.max === undefined) {
          ctx.addIssue({ code: "custom", path: ["checks", i], message: "stage-count needs min, max or both" });
        } else if (c.min !== undefined && c.max !== undefined && c.min > c.max) {
          ctx.addIssue({ code: "custom", path: ["checks", i], message: "stage-count min is larger than max" });
        }
      }
    });
  });
export type ExerciseManifest = z.infer<typeof ExerciseManifest>;

/** Lesson folder names: two digits, a dash, a kebab-case slug. */
export const LESSON_DIR = /^(\d{2})-([a-z0-9][a-z0-9-]*)$/;

/** A loaded exercise with its files (context file contents are read lazily by the runner). */
export type Exercise = ExerciseManifest & {
  id: string;
  lessonSlug: string;
  name: string;
  dir: string;
  starter: string;
  solution: string;
  /** Context file paths relative to `context/`, sorted. */
  contextFiles: string[];
};

// Omit: the frontmatter's `exercises` (folder names) is replaced by the loaded exercises; an
// intersection of the two would type `exercises` as `string[] & Exercise[]`, unusable for readers.
export type Lesson = Omit<LessonFrontmatter, "exercises"> & {
  slug: string;
  order: number;
  dir: string;
  /** Raw MDX body without frontmatter. */
  body: string;
  exercises: Exercise[];
};

/** A content mistake, always with the file it is in. */
export class ContentError extends Error {
  constructor(
    readonly file: string,
    detail: string,
  ) {
    super(`${file}: ${detail}`);
    this.name = "ContentError";
  }
}
