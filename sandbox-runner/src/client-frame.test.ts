import { describe, expect, it } from "vitest";
import { nestedDeeperThan } from "./client-frame";

describe("nestedDeeperThan", () => {
  it("counts array and object levels, up to and past the limit", () => {
    expect(nestedDeeperThan('{"type":"start","files":{"Dockerfile":"FROM x"}}', 2)).toBe(false);
    expect(nestedDeeperThan('{"type":"start","files":{"Dockerfile":["FROM x"]}}', 2)).toBe(true);
    expect(nestedDeeperThan("[".repeat(32) + "]".repeat(32), 32)).toBe(false);
    expect(nestedDeeperThan("[".repeat(33), 32)).toBe(true); // unbalanced: refused before JSON.parse says so
    expect(nestedDeeperThan('[{"a":[{}]}]', 3)).toBe(true);
  });

  it("does not count brackets inside strings, escaped quotes included", () => {
    expect(nestedDeeperThan(JSON.stringify({ Dockerfile: "[[[[{{{{".repeat(100) }), 1)).toBe(false);
    expect(nestedDeeperThan(JSON.stringify({ d: 'say \\"[[[[" and "{{{{' }), 1)).toBe(false);
    expect(nestedDeeperThan('{"a":"\\\\"}' + "[[[", 2)).toBe(true); // an escaped backslash ends the escape
  });

  it("reads a 256 KiB frame in one pass", () => {
    expect(nestedDeeperThan(`{"x":"${"[".repeat(256 * 1024)}"}`, 32)).toBe(false);
    expect(nestedDeeperThan('{"type":'.repeat(20_000) + "1" + "}".repeat(20_000), 32)).toBe(true);
  });
});
