/**
 * Rehype plugin for `inline code` in lesson prose, so a command or flag never wraps in a way that
 * reads as something else:
 *
 * - a short span (a flag, a path, `docker exec`) gets `class="code-nowrap"` and moves to the next
 *   line whole; only longer spans may wrap, and those still break anywhere rather than overflow;
 * - the leading dashes of a flag stay with its first letter (`<span class="nobr">-o</span>`):
 *   browsers may break after a hyphen, which shows `-o` as "-" at a line end and "o" below it.
 *
 * In table cells the short limit is lower (`rehype-lesson-tables.ts` lets the longer ones break
 * after a `/`). Code blocks (`<pre>`) are untouched.
 * The text itself never changes, so copying a command copies exactly what the lesson wrote.
 */
import type { Element, ElementContent, Root } from "hast";
import { addClass, hastText, isElement } from "./hast-nodes";

/**
 * Longest span kept on one line: 24 monospace characters are about 210 px, which fits the
 * narrowest text column (a list item in a callout on a 320 px phone).
 */
export const NOWRAP_MAX_CHARS = 24;
/**
 * The same in a table cell, where columns are narrow: identifiers (`on-debian-slim`, `gcc:12`)
 * stay whole, while a longer image name breaks at its `/` and `-`.
 */
export const CELL_NOWRAP_MAX_CHARS = 16;

// Dashes that start a word (after a space, a quote, a bracket or a comma), with the next character.
const FLAG_START = /(?<=^|[\s"'[(,])(-+[^\s-])/;

function keepFlagStarts(code: Element): void {
  code.children = code.children.flatMap((child): ElementContent[] => {
    if (child.type !== "text" || !FLAG_START.test(child.value)) return [child];
    // split() with a capturing group puts the matches at the odd indexes.
    return child.value.split(FLAG_START).flatMap((part, i): ElementContent[] => {
      if (part === "") return [];
      if (i % 2 === 0) return [{ type: "text", value: part }];
      return [{ type: "element", tagName: "span", properties: { className: ["nobr"] }, children: [{ type: "text", value: part }] }];
    });
  });
}

function visit(node: Root | Element, inCell: boolean): void {
  for (const child of node.children) {
    if (!isElement(child)) {
      if ("children" in child) visit(child as unknown as Element, inCell);
      continue;
    }
    if (child.tagName === "pre") continue;
    if (child.tagName === "code") {
      if (hastText(child).length <= (inCell ? CELL_NOWRAP_MAX_CHARS : NOWRAP_MAX_CHARS)) addClass(child, "code-nowrap");
      else keepFlagStarts(child);
      continue;
    }
    visit(child, inCell || child.tagName === "td" || child.tagName === "th");
  }
}

/** Usage: `compile(body, { rehypePlugins: [rehypeLessonTables, rehypeInlineCode] })`. */
export function rehypeInlineCode() {
  return (tree: Root) => visit(tree, false);
}
