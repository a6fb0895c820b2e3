import { describe, expect, it } from "vitest";
import { GOOD, df } from "./test-fixtures";
import { LINT_MAX_CHARS } from "./lint";
import { lintDockerfile } from "./index";

describe("lintDockerfile", () => {
  it("finds nothing in a clean multi-stage Dockerfile", () => {
    expect(lintDockerfile(GOOD)).toEqual([]);
  });

  it("maps dockerfile-utils errors to 1-based ranges with a syntax/ rule id", () => {
    const diagnostics = lintDockerfile(df("FROM stagecraft/gcc:12", "FROMM x", "USER 65532", 'CMD ["x"]'));
    expect(diagnostics).toContainEqual({
      rule: "syntax/unknown-instruction",
      severity: "error",
      message: "Unknown instruction: FROMM",
      startLine: 2,
      startColumn: 1,
      endLine: 2,
      endColumn: 6,
      link: "/lessons/monolithic-image#dockerfile-syntax",
    });
  });

  it("maps dockerfile-utils warnings to warnings", () => {
    const diagnostics = lintDockerfile(df("FROM stagecraft/gcc:12", "user 65532", 'CMD ["x"]'));
    expect(diagnostics).toContainEqual(expect.objectContaining({ rule: "syntax/casing-instruction", severity: "warning", startLine: 2 }));
  });

  it("sorts findings by position", () => {
    const diagnostics = lintDockerfile(df("FROM node", "FROMM x", "COPY --from=nope /a /b", "CMD x"));
    const lines = diagnostics.map((d) => d.startLine);
    expect(lines).toEqual([...lines].sort((a, b) => a - b));
    expect(diagnostics.length).toBeGreaterThanOrEqual(4);
  });

  it("refuses to lint text too large for the editor instead of freezing it", () => {
    const diagnostics = lintDockerfile("#".repeat(LINT_MAX_CHARS + 1));
    expect(diagnostics).toEqual([expect.objectContaining({ rule: "too-large", severity: "error", startLine: 1 })]);
  });

  it("lints a 64 KiB Dockerfile in reasonable time", () => {
    let text = "FROM stagecraft/busybox:1.35\n";
    for (let i = 0; text.length < 64 * 1024; i++) text += `RUN echo step ${i} && ls -la /tmp /var /etc\n`;
    lintDockerfile(text);
    const started = performance.now();
    lintDockerfile(text);
    const ms = performance.now() - started;
    console.log(`lintDockerfile: ${text.length} chars in ${ms.toFixed(1)} ms`);
    expect(ms).toBeLessThan(2000);
  });
});
