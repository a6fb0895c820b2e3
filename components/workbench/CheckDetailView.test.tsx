import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { CheckList } from "./ResultsPanel";

const timelines = {
  type: "timelines" as const,
  runs: [
    { label: "Your build", totalMs: 4100, steps: [{ name: "[deps 3/4] RUN npm ci", cached: false, durationMs: 4000 }] },
    { label: "Rebuild after editing src/index.ts", totalMs: 300, steps: [{ name: "[deps 3/4] RUN npm ci", cached: true, durationMs: 0 }] },
  ],
};

describe("check details in the results panel", () => {
  it("draws timelines as a list of steps, each with one labelled cell per build", () => {
    const html = renderToStaticMarkup(
      <CheckList pendingTitles={[]} checks={[{ checkId: "c", kind: "rebuild-cache", title: "Deps cached", status: "pass", message: "ok", detail: timelines }]} />,
    );
    expect(html).toContain('<figure class="timelines" aria-label="Build timelines for “Deps cached”">');
    expect(html).toContain('<code class="timelines-step-name">[deps 3/4] RUN npm ci</code>');
    // What a screen reader hears per cell: the build's label, then the time or "cached".
    expect(html).toMatch(/<span class="visually-hidden">Your build: <\/span><span class="timelines-track" aria-hidden="true"><span class="timelines-bar" style="width:100%"><\/span><\/span><span class="timelines-time">4.0 s<\/span>/);
    expect(html).toMatch(/data-cached="true"><span class="visually-hidden">Rebuild after editing src\/index.ts: <\/span><span class="timelines-cached">cached<\/span>/);
    expect(html).toContain('<span class="timelines-run-total">300 ms</span>');
  });

  it("draws a table with column and row headers, escaping what the runner sent", () => {
    const detail = { type: "table" as const, columns: ["Image", "Size"], rows: [["<b>Starter</b>", "693 MiB"]] };
    const html = renderToStaticMarkup(
      <CheckList pendingTitles={[]} checks={[{ checkId: "c", kind: "size-ratio", title: "Small", status: "fail", message: "no", detail }]} />,
    );
    expect(html).toContain('<caption class="visually-hidden">Details for “Small”</caption>');
    expect(html).toContain('<th scope="col" role="columnheader">Image</th><th scope="col" role="columnheader" class="num">Size</th>');
    expect(html).toContain('<th scope="row" role="rowheader">&lt;b&gt;Starter&lt;/b&gt;</th><td role="cell" class="num" data-label="Size">693 MiB</td>');
    // Two columns stay a table at any width; four or more may become cards on a phone.
    expect(html).not.toContain("data-wide");
  });

  it("shows nothing extra for a check without detail", () => {
    const html = renderToStaticMarkup(<CheckList pendingTitles={[]} checks={[{ checkId: "c", kind: "build-succeeds", title: "Builds", status: "pass", message: "ok" }]} />);
    expect(html).not.toContain("check-evidence");
  });
});
