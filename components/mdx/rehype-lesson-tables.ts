/**
 * Rehype plugin for lesson tables (GFM tables in `index.mdx`), so a wide table reads on a phone:
 *
 * - each table sits in a focusable, labelled scroll box (`.table-scroll`): a table wider than the
 *   prose column scrolls inside it, never the page;
 * - every body cell carries its column's name as `data-label`, and a table of four or more columns
 *   gets `data-wide`: the stylesheet turns such a table into one card per row on a narrow column;
 * - a column whose cells are all measurements (`693 MiB`, `1.4`, `148`) gets `class="num"`: kept on
 *   one line and right-aligned, so a size never wraps between its number and its unit;
 * - inline code in a cell may break after a `/` (a `<wbr>`, which copies as nothing), so an image
 *   name such as `stagecraft/distroless-static:nonroot` wraps at a path step, not mid-word.
 *
 * Pure (hast in, hast out), no React: the tests run it through a real MDX compile.
 */
import type { Element, ElementContent, Root } from "hast";
import { addClass, hastText, isElement } from "./hast-nodes";

/** Columns from which a table becomes cards on a phone, the rule `.detail-table` follows too. */
export const WIDE_TABLE_COLUMNS = 4;

// A number, optionally with a short unit: "693 MiB", "1.4", "3 s", "12%". "none" or "18, no 65532" is not.
const MEASUREMENT = /^[~≈]?\d[\d.,]*\s?[A-Za-z%]{0,4}$/;

type Parent = Root | Element;

function childElements(node: Parent, tag: string): Element[] {
  const out: Element[] = [];
  for (const child of node.children) if (isElement(child, tag)) out.push(child);
  return out;
}

/** The table's rows split into header and body, whatever mix of thead/tbody/tr the source has. */
function rowsOf(table: Element): { head: Element[]; body: Element[] } {
  const head = childElements(table, "thead").flatMap((t) => childElements(t, "tr"));
  const body = [...childElements(table, "tbody").flatMap((t) => childElements(t, "tr")), ...childElements(table, "tr")];
  return { head, body };
}

const cellsOf = (row: Element) => row.children.filter((c): c is Element => isElement(c, "td") || isElement(c, "th"));

/** Splits the text of `code` elements inside `node` after each `/`, with a <wbr> in between. */
function breakCodeAfterSlashes(node: Element, inCode = false): void {
  const code = inCode || node.tagName === "code";
  node.children = node.children.flatMap((child): ElementContent[] => {
    if (isElement(child)) {
      breakCodeAfterSlashes(child, code);
      return [child];
    }
    if (!code || child.type !== "text" || !child.value.includes("/")) return [child];
    return child.value
      .split(/(?<=\/)(?=.)/s)
      .flatMap((part, i): ElementContent[] => [
        ...(i > 0 ? [{ type: "element", tagName: "wbr", properties: {}, children: [] } satisfies Element] : []),
        { type: "text", value: part },
      ]);
  });
}

function labelTable(table: Element): Element {
  const { head, body } = rowsOf(table);
  const labels = head[0] ? cellsOf(head[0]).map((c) => hastText(c).trim()) : [];
  const columns = Math.max(labels.length, ...body.map((r) => cellsOf(r).length), 0);

  for (let col = 0; col < columns; col++) {
    const values = body.map((r) => cellsOf(r)[col]).filter((c): c is Element => c !== undefined);
    const texts = values.map((c) => hastText(c).trim()).filter((t) => t !== "");
    if (texts.length > 0 && texts.every((t) => MEASUREMENT.test(t))) {
      for (const row of [...head, ...body]) {
        const cell = cellsOf(row)[col];
        if (cell) addClass(cell, "num");
      }
    }
  }
  for (const row of body) {
    cellsOf(row).forEach((cell, col) => {
      const label = labels[col];
      if (label) cell.properties.dataLabel = label;
      breakCodeAfterSlashes(cell);
    });
  }
  if (columns >= WIDE_TABLE_COLUMNS) table.properties.dataWide = "";

  return {
    type: "element",
    tagName: "div",
    properties: {
      className: ["table-scroll"],
      // A keyboard user can scroll it; a screen reader user hears what the table is about.
      tabIndex: 0,
      role: "region",
      ariaLabel: labels.length > 0 ? `Table: ${labels.join(", ")}` : "Table",
    },
    children: [table],
  };
}

function visit(node: Parent): void {
  node.children = node.children.map((child) => {
    if (isElement(child, "table")) return labelTable(child);
    if ("children" in child) visit(child as unknown as Parent);
    return child;
  }) as typeof node.children;
}

/** Usage: `compile(body, { rehypePlugins: [rehypeLessonTables] })`. */
export function rehypeLessonTables() {
  return (tree: Root) => visit(tree);
}
