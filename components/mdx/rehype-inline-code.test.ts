import { evaluate } from "@mdx-js/mdx";
import { createElement } from "react";
import * as runtime from "react/jsx-runtime";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { LESSON_MDX_PLUGINS } from "./lesson-plugins";
import { CELL_NOWRAP_MAX_CHARS, NOWRAP_MAX_CHARS } from "./rehype-inline-code";

async function render(body: string): Promise<string> {
  const mod = await evaluate(body, { ...runtime, ...LESSON_MDX_PLUGINS });
  return renderToStaticMarkup(createElement(mod.default));
}

describe("inline code in lesson prose", () => {
  it("keeps a short span on one line", async () => {
    expect(await render("Run `docker exec` or `COPY . .` here.")).toBe(
      '<p>Run <code class="code-nowrap">docker exec</code> or <code class="code-nowrap">COPY . .</code> here.</p>',
    );
    const longest = "x".repeat(NOWRAP_MAX_CHARS);
    expect(await render(`\`${longest}\``)).toContain('class="code-nowrap"');
    expect(await render(`\`${longest}y\``)).not.toContain("code-nowrap");
  });

  it("never separates a flag's dashes from its first letter in a long span, and copies the same text", async () => {
    const html = await render("Add `-o /usr/local/bin/greeter --ldflags=x` and `RUN --mount=type=secret,id=npm_token` now.");
    expect(html).toContain('<code><span class="nobr">-o</span> /usr/local/bin/greeter <span class="nobr">--l</span>dflags=x</code>');
    expect(html).toContain('<code>RUN <span class="nobr">--m</span>ount=type=secret,id=npm_token</code>');
    const quoted = await render('The shell form is stored as `["/bin/sh", "-c", "greeter"]` there.');
    expect(quoted).toContain('<code>[&quot;/bin/sh&quot;, &quot;<span class="nobr">-c</span>&quot;, &quot;greeter&quot;]</code>');
    // A dash inside a word is an ordinary break point, not a flag.
    const inWord = await render("Install `apt-get install -y ca-certificates curl wget`.");
    expect(inWord).toContain('<code>apt-get install <span class="nobr">-y</span> ca-certificates curl wget</code>');
  });

  it("keeps only identifiers whole in table cells, where columns are narrow", async () => {
    const cell = await render("| a | b |\n|---|---|\n| `on-debian-slim` | `stagecraft/golang:1.19` |\n");
    expect(cell).toContain('<td data-label="a"><code class="code-nowrap">on-debian-slim</code></td>');
    expect(cell).toContain('<td data-label="b"><code>stagecraft/<wbr/>golang:1.19</code></td>');
    expect(CELL_NOWRAP_MAX_CHARS).toBeLessThan(NOWRAP_MAX_CHARS);
  });

  it("leaves code blocks alone", async () => {
    const block = await render('```sh title="terminal"\ndocker run -it x\n```\n');
    expect(block).not.toContain("nobr");
    expect(block).not.toContain("code-nowrap");
  });
});
