/**
 * What a lesson's MDX may contain, and the heading anchors checks link to.
 *
 * Anchors are GitHub-style heading slugs (the same ids GitHub gives README headings): lower-case
 * the heading's text, drop punctuation, turn spaces into dashes; a repeated slug gets `-1`, `-2`, …
 * in document order. Explicit `{#id}` suffixes are not supported because `{…}` is a JavaScript
 * expression in MDX and fails to parse. The loader validates check `section`s against these ids and
 * the web app gives headings the same ids through `remarkLessonMdx`, so one function decides both.
 *
 * Pure: no Node APIs, safe to import from the web app (server or browser).
 */
import { createProcessor } from "@mdx-js/mdx";
import remarkGfm from "remark-gfm";
import type { Code, Heading, Nodes, Root } from "mdast";

/**
 * The only JSX components lesson MDX may use; the web app must provide each one.
 * `<Note>`: an aside (a caveat, a figure worth remembering). `<Try>`: something to do now, in the
 * editor or a terminal. Both take only children.
 */
export const LESSON_COMPONENTS = ["Note", "Try"] as const;
export type LessonComponent = (typeof LESSON_COMPONENTS)[number];

// Everything that is not a letter, mark, number, connector (underscore), space or dash is dropped,
// which is what github-slugger does with its long generated character class.
const NOT_SLUG_CHAR = /[^\p{L}\p{M}\p{N}\p{Pc} -]/gu;

/** The GitHub slug of one heading text, without de-duplication. */
export function githubSlug(text: string): string {
  return text.trim().toLowerCase().replace(NOT_SLUG_CHAR, "").replace(/ /g, "-");
}

/** A stateful slugger: the second "Setup" becomes `setup-1`, like on GitHub. One per document. */
export function createSlugger(): { slug(text: string): string } {
  const seen = new Map<string, number>();
  return {
    slug(text) {
      const base = githubSlug(text);
      let id = base;
      let n = seen.get(base) ?? 0;
      while (seen.has(id)) id = `${base}-${++n}`;
      seen.set(base, n);
      seen.set(id, 0);
      return id;
    },
  };
}

/** The text a reader sees in a node (inline code included), like mdast-util-to-string. */
export function nodeText(node: Nodes): string {
  // Expressions hold JavaScript source, not text a reader sees.
  if (node.type === "mdxTextExpression" || node.type === "mdxFlowExpression") return "";
  if ("value" in node && typeof node.value === "string") return node.value;
  if ("children" in node) return (node.children as Nodes[]).map(nodeText).join("");
  if (node.type === "image") return node.alt ?? "";
  return "";
}

/** `title="Dockerfile" foo=bar` → `{ title: "Dockerfile", foo: "bar" }`. */
export function parseCodeMeta(meta: string | null | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of (meta ?? "").matchAll(/([A-Za-z][\w-]*)=(?:"([^"]*)"|'([^']*)'|(\S+))/g)) {
    out[m[1]!] = m[2] ?? m[3] ?? m[4] ?? "";
  }
  return out;
}

export type LessonHeading = { depth: number; text: string; id: string; line: number };
export type MdxProblem = { line: number; message: string };
export type MdxInspection = { headings: LessonHeading[]; problems: MdxProblem[] };

function walk(node: Nodes, visit: (n: Nodes) => void): void {
  visit(node);
  if ("children" in node) for (const child of node.children as Nodes[]) walk(child, visit);
}

/**
 * Parses lesson MDX and reports its headings (with anchor ids) and every rule it breaks:
 * components outside LESSON_COMPONENTS, `import`/`export` (components come from the app, not from
 * lessons), and code fences without a language and a `title="…"` file name.
 * Throws the parser's error (with `line`/`column`) when the MDX does not parse.
 */
export function inspectLessonMdx(body: string): MdxInspection {
  const tree = createProcessor({ remarkPlugins: [remarkGfm] }).parse(body) as Root;
  const slugger = createSlugger();
  const headings: LessonHeading[] = [];
  const problems: MdxProblem[] = [];
  const allowed = new Set<string>(LESSON_COMPONENTS);
  walk(tree, (node) => {
    const line = node.position?.start.line ?? 0;
    switch (node.type) {
      case "heading": {
        const text = nodeText(node);
        headings.push({ depth: node.depth, text, id: slugger.slug(text), line });
        break;
      }
      case "mdxJsxFlowElement":
      case "mdxJsxTextElement":
        if (!node.name || !allowed.has(node.name)) {
          problems.push({
            line,
            message: `component <${node.name ?? ""}> is not one of ${LESSON_COMPONENTS.map((c) => `<${c}>`).join(", ")}`,
          });
        }
        break;
      case "mdxjsEsm":
        problems.push({ line, message: "import/export is not allowed in lessons" });
        break;
      case "mdxFlowExpression":
      case "mdxTextExpression":
        // MDX evaluates `{…}` as JavaScript at render time: `{name}` would pass every build check
        // and then fail the page with "name is not defined". Lessons have no data to interpolate.
        problems.push({
          line,
          message: "`{…}` is a JavaScript expression in MDX; write \\{ to show a brace, or put the text in backticks",
        });
        break;
      case "code":
        if (!node.lang || !parseCodeMeta(node.meta).title) {
          problems.push({
            line,
            message: 'code fences need a language and a file name, e.g. ```dockerfile title="Dockerfile"',
          });
        }
        break;
    }
  });
  return { headings, problems };
}

/**
 * Remark plugin for the web app's MDX compile: gives every heading its anchor id and passes a code
 * fence's `title` and language on as `data-title` / `data-language` on the `<code>` element.
 * Usage: `compile(body, { remarkPlugins: [remarkLessonMdx] })`.
 */
export function remarkLessonMdx() {
  return (tree: Root) => {
    const slugger = createSlugger();
    walk(tree, (node) => {
      if (node.type === "heading") {
        setHProperties(node, { id: slugger.slug(nodeText(node)) });
      } else if (node.type === "code") {
        const { title } = parseCodeMeta(node.meta);
        setHProperties(node, {
          ...(title ? { "data-title": title } : {}),
          ...(node.lang ? { "data-language": node.lang } : {}),
        });
      }
    });
  };
}

function setHProperties(node: Heading | Code, props: Record<string, string>): void {
  const data = (node.data ??= {}) as { hProperties?: Record<string, unknown> };
  data.hProperties = { ...data.hProperties, ...props };
}

/**
 * Every remark plugin a lesson is compiled with: GitHub-flavoured Markdown (tables, task lists,
 * strikethrough) and the lesson rules above. The web app and the checks use this one list, so
 * what `lessons:check` parses is what the page renders.
 */
export const LESSON_REMARK_PLUGINS = [remarkGfm, remarkLessonMdx];
