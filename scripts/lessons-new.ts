/**
 * `npm run lessons:new -- <NN-slug | slug> [--exercise <name>] [--title "…"] [--dir <lessons>]`
 *
 * Scaffolds a lesson that `lessons:check` accepts and `lessons:verify` can grade at once: valid
 * frontmatter and headings, one exercise whose starter fails a real check and whose solution passes,
 * and a tiny context app. Every placeholder an author must replace says `TODO`. Without a number
 * the lesson goes after the last one. It never overwrites: an existing folder, slug or number is
 * refused, and the files are written to a hidden folder first, then moved into place in one rename,
 * so a failure leaves nothing half-made for the loader to trip over.
 */
import { chmod, mkdir, mkdtemp, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { parseEnv } from "../lib/env-schema";
import { LESSON_DIR } from "../lib/lessons/schema";

/** Stricter than the loader (no trailing or doubled dashes): the slug is a URL for good. */
const SLUG = /^[a-z0-9]+(-[a-z0-9]+)*$/;
/** The image the scaffold runs on: the smallest catalog image with a shell for `hello.sh`. */
const BASE_IMAGE = "stagecraft/busybox:1.35";

export class ScaffoldError extends Error {
  override name = "ScaffoldError";
}

export type NewLessonOptions = {
  /** Folder holding the lessons. */
  dir: string;
  /** `NN-slug`, or `slug` to take the number after the last lesson's. */
  name: string;
  /** Exercise folder name. @default "first-exercise" */
  exercise?: string;
  /** Lesson title. @default the slug in words, "health-checks" → "Health checks" */
  title?: string;
};

export type NewLesson = { folder: string; slug: string; order: number; exercise: string; files: string[] };

const words = (kebab: string) => kebab.charAt(0).toUpperCase() + kebab.slice(1).replaceAll("-", " ");

/** YAML plain scalars cannot hold `: `, `#`, quotes or a leading indicator; a JSON string is valid YAML. */
const yamlString = (s: string) => (/^[A-Za-z0-9][A-Za-z0-9 ,.'()?!-]*$/.test(s) && !s.includes(": ") ? s : JSON.stringify(s));

/** The lesson folders already in `dir`, by number and slug (only names: the course may be mid-edit). */
async function existingLessons(dir: string): Promise<{ order: number; slug: string; folder: string }[]> {
  const info = await stat(dir).catch(() => null);
  if (!info?.isDirectory()) throw new ScaffoldError(`the lessons folder ${dir} does not exist`);
  return (await readdir(dir, { withFileTypes: true }))
    .filter((e) => e.isDirectory())
    .flatMap((e) => {
      const m = LESSON_DIR.exec(e.name);
      return m ? [{ order: Number(m[1]), slug: m[2]!, folder: e.name }] : [];
    });
}

/** Validates the name and picks the number; throws ScaffoldError with what to do instead. */
export async function planLesson(dir: string, name: string): Promise<{ order: number; slug: string; folder: string }> {
  const numbered = /^(\d{2})-(.*)$/.exec(name);
  const slug = numbered ? numbered[2]! : name;
  // "7-health" or "007-health" is a number mistyped, not a slug that starts with digits.
  if (!numbered && /^\d+-/.test(name)) throw new ScaffoldError(`"${name}": the number has two digits (07-health), or leave it out to append the lesson`);
  if (!SLUG.test(slug)) {
    throw new ScaffoldError(`"${slug}" is not a valid slug: use lower-case letters and digits, words joined by single dashes (e.g. 15-health-checks)`);
  }
  const lessons = await existingLessons(dir);
  const order = numbered ? Number(numbered[1]) : Math.max(0, ...lessons.map((l) => l.order)) + 1;
  if (order < 1 || order > 99) throw new ScaffoldError(`lesson numbers run from 01 to 99; ${order} is out of range`);
  const folder = `${String(order).padStart(2, "0")}-${slug}`;
  const sameFolder = lessons.find((l) => l.folder === folder);
  if (sameFolder) throw new ScaffoldError(`${path.join(dir, folder)} already exists; lessons:new never overwrites`);
  const sameSlug = lessons.find((l) => l.slug === slug);
  if (sameSlug) throw new ScaffoldError(`the slug "${slug}" is taken by ${path.join(dir, sameSlug.folder)}`);
  const sameOrder = lessons.find((l) => l.order === order);
  if (sameOrder) throw new ScaffoldError(`the number ${folder.slice(0, 2)} is taken by ${path.join(dir, sameOrder.folder)}`);
  return { order, slug, folder };
}

function lessonFiles(slug: string, title: string, exercise: string): Record<string, string> {
  const ex = `exercises/${exercise}`;
  const greeting = `Hello from ${slug}`;
  const manifest = {
    title: words(exercise),
    prompt: "TODO: the task in one or two sentences. (Scaffold: make hello.sh run as the non-root user 65532.)",
    hints: [
      "TODO: the gentlest hint, a question that points at the idea. (Scaffold: which user runs the container?)",
      "TODO: the instruction or flag to use. (Scaffold: USER sets the user of the final stage.)",
      "TODO: nearly the answer. (Scaffold: add USER 65532:65532 before CMD.)",
    ],
    checks: [
      {
        id: "builds",
        kind: "build-succeeds",
        title: "The image builds",
        hint: "Read the first error in the build log; it names the instruction that failed.",
        section: "try-it",
      },
      {
        id: "greets-as-non-root",
        kind: "container-output",
        title: "hello.sh greets as uid 65532",
        hint: "TODO: why this fails, not the answer. (Scaffold: the container still runs as root.)",
        stdoutIncludes: [greeting, "as uid 65532"],
        section: "the-idea",
      },
    ],
  };
  return {
    "index.mdx": `---
title: ${yamlString(title)}
summary: TODO one sentence for the course index.
minutes: 15
exercises:
  - ${exercise}
---

TODO: the opening paragraph. What will the learner build, and why does it matter?

## The idea

TODO: explain the idea in your own words. A check links here with \`"section": "the-idea"\`.

\`\`\`dockerfile title="Dockerfile"
FROM ${BASE_IMAGE}
COPY hello.sh /app/hello.sh
USER 65532:65532
CMD ["/app/hello.sh"]
\`\`\`

<Note>
TODO: a caveat or a number worth remembering, measured on our sandbox.
</Note>

## Try it

<Try>
TODO: what to do in the editor. (Scaffold: run the starter, read the failing check, fix it.)
</Try>

## Recap

- TODO: what the learner should remember.
`,
    [`${ex}/exercise.json`]: `${JSON.stringify(manifest, null, 2)}\n`,
    [`${ex}/starter.Dockerfile`]: `# TODO: the learner's starting point. It must build and fail at least one check.
FROM ${BASE_IMAGE}
COPY hello.sh /app/hello.sh
CMD ["/app/hello.sh"]
`,
    [`${ex}/solution.Dockerfile`]: `# TODO: the model answer, with short comments that say why. It must pass every check.
FROM ${BASE_IMAGE}
COPY hello.sh /app/hello.sh
USER 65532:65532
CMD ["/app/hello.sh"]
`,
    [`${ex}/context/hello.sh`]: `#!/bin/sh
# TODO: replace with the lesson's sample app (an HTTP server with /health, or a small CLI).
echo "${greeting}, running as uid $(id -u)"
`,
  };
}

/** Writes the scaffold; returns what it made. Throws ScaffoldError on bad input or a clash. */
export async function createLesson(opts: NewLessonOptions): Promise<NewLesson> {
  const exercise = opts.exercise ?? "first-exercise";
  if (!SLUG.test(exercise)) throw new ScaffoldError(`"${exercise}" is not a valid exercise name: use kebab-case, e.g. harden-the-image`);
  const title = opts.title?.trim();
  if (opts.title !== undefined && (!title || /[\r\n]/.test(title))) throw new ScaffoldError("--title must be one non-empty line");

  const { order, slug, folder } = await planLesson(opts.dir, opts.name);
  const files = lessonFiles(slug, title ?? words(slug), exercise);
  // A dot-folder: the loader skips it while it is being filled.
  const staging = await mkdtemp(path.join(opts.dir, `.${folder}-`));
  try {
    for (const [rel, text] of Object.entries(files)) {
      const file = path.join(staging, rel);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text, { flag: "wx" });
    }
    // The runner keeps the executable bit from the context, so the script can be the CMD.
    await chmod(path.join(staging, `exercises/${exercise}/context/hello.sh`), 0o755);
    await rename(staging, path.join(opts.dir, folder));
  } catch (e) {
    await rm(staging, { recursive: true, force: true });
    throw e;
  }
  return { folder: path.join(opts.dir, folder), slug, order, exercise, files: Object.keys(files).map((f) => path.join(opts.dir, folder, f)) };
}

export function nextSteps(made: NewLesson, dir: string): string {
  const other = path.resolve(dir) !== path.resolve("lessons");
  const id = `${made.slug}/${made.exercise}`;
  return [
    `Created ${made.folder}:`,
    ...made.files.map((f) => `  ${f}`),
    "",
    "Next steps:",
    `  1. Write the lesson and replace every TODO:   grep -rn TODO ${made.folder}`,
    "  2. Replace the sample app in context/, the starter, the solution and the checks (docs/authoring.md).",
    `  3. npm run lessons:check${other ? ` -- ${dir}` : ""}`,
    `  4. npm run lessons:verify -- ${other ? `--dir ${dir} ` : ""}--only ${id} --repeat 2`,
    `  5. npm run dev, then open http://localhost:3000/lessons/${made.slug}${other ? ` (with LESSONS_DIR=${dir})` : ""}`,
  ].join("\n");
}

const USAGE = 'usage: npm run lessons:new -- <NN-slug | slug> [--exercise <name>] [--title "…"] [--dir <lessons folder>]';

async function main(): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { exercise: { type: "string" }, title: { type: "string" }, dir: { type: "string" }, help: { type: "boolean", short: "h" } },
    });
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length !== 1) {
    console.error(USAGE);
    return values.help ? 0 : 2;
  }
  const dir = values.dir ?? parseEnv(process.env).LESSONS_DIR;
  try {
    const made = await createLesson({ dir, name: positionals[0]!, exercise: values.exercise, title: values.title });
    console.log(nextSteps(made, dir));
    return 0;
  } catch (e) {
    if (!(e instanceof ScaffoldError)) throw e;
    console.error(`lessons:new: ${e.message}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  process.exitCode = await main();
}
