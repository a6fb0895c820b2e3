import { evaluate } from "@mdx-js/mdx";
import { createElement } from "react";
import * as runtime from "react/jsx-runtime";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { lessonComponents } from "./lesson-components";
import { LESSON_MDX_PLUGINS } from "./lesson-plugins";

async function render(body: string): Promise<string> {
  const mod = await evaluate(body, { ...runtime, ...LESSON_MDX_PLUGINS });
  return renderToStaticMarkup(createElement(mod.default, { components: lessonComponents }));
}

const IMAGES = `| image | stands in for | role | size |
|---|---|---|---|
| \`stagecraft/golang:1.19\` | \`golang:1.19-bookworm\` | Go toolchain | 693 MiB |
| \`stagecraft/busybox:1.35\` | \`busybox:1.35\` | one binary with \`sh\` | 1.9 MiB |
`;

describe("lesson tables", () => {
  it("wraps a table in a labelled, focusable scroll box so a wide one scrolls inside the column", async () => {
    const html = await render("| instruction | what it does |\n|---|---|\n| `FROM image` | starts from an image |\n");
    expect(html).toMatch(/^<div class="table-scroll" tabindex="0" role="region" aria-label="Table: instruction, what it does"><table>/);
    expect(html).toMatch(/<\/table><\/div>$/);
    // Two columns stay a table on a phone: no data-wide.
    expect(html).not.toContain("data-wide");
  });

  it("names each body cell after its column and marks a table of four columns as wide (cards on a phone)", async () => {
    const html = await render(IMAGES);
    expect(html).toContain("<table data-wide=\"\">");
    expect(html).toContain('<td data-label="role">Go toolchain</td>');
    expect(html).toContain('<td data-label="role">one binary with <code class="code-nowrap">sh</code></td>');
  });

  it("keeps a column of measurements on one line, numbers and units together", async () => {
    const html = await render(IMAGES);
    expect(html).toContain('<th class="num">size</th>');
    expect(html).toContain('<td class="num" data-label="size">693 MiB</td>');
    // A column with any word in it ("none", "Go toolchain") is not a measurement column.
    expect(html).toContain('<td data-label="role">Go toolchain</td>');
    const mixed = await render("| a | b |\n|---|---|\n| x | 148 |\n| y | none |\n");
    expect(mixed).not.toContain("num");
  });

  it("lets an image name in a cell break after a slash, and copies as the same text", async () => {
    const html = await render(IMAGES);
    expect(html).toContain("<code>stagecraft/<wbr/>golang:1.19</code>");
    expect(html.replace(/<wbr\/>/g, "")).toContain("<code>stagecraft/golang:1.19</code>");
  });

  it("finds a table inside a <Note> too", async () => {
    const html = await render("<Note>\n\n| a | b | c | d |\n|---|---|---|---|\n| 1 | 2 | 3 | x |\n\n</Note>\n");
    expect(html).toMatch(/^<aside class="callout callout-note"/);
    expect(html).toContain('<td data-label="d">x</td>');
    expect(html).toContain('<div class="table-scroll"');
  });
});
