import { describe, expect, it } from "vitest";
import { quoteOutput } from "./output-text";

describe("quoteOutput", () => {
  it("quotes short output with visible newlines", () => {
    expect(quoteOutput("hello\nworld\n")).toBe('"hello\\nworld"');
  });
  it("strips terminal escape sequences and control bytes", () => {
    expect(quoteOutput("\u001b[31mred\u001b[0m \u001b]0;title\u0007ok\u0000")).toBe('"red ok"');
  });
  it("says nothing was printed instead of quoting an empty string", () => {
    expect(quoteOutput(" \n")).toBe("nothing");
  });
  it("cuts long output at the start, or keeps the end for error output", () => {
    const text = "a".repeat(300) + "END";
    expect(quoteOutput(text, { max: 10 })).toBe('"aaaaaaaaaa"…');
    expect(quoteOutput(text, { max: 5, tail: true })).toBe('…"aaEND"');
  });
});
