import { describe, expect, it } from "vitest";
import { CheckSpec } from "../checks";
import { checkRefProblems } from "./check-refs";

const spec = (s: Record<string, unknown>) => CheckSpec.parse({ id: "c", title: "t", hint: "h", ...s });
const solution = "FROM stagecraft/golang:1.19 AS build\nRUN true\nFROM scratch AS release\nCOPY --from=build /a /a\n";

describe("checkRefProblems", () => {
  it("names a rebuild edit that is not a context file", () => {
    const checks = [spec({ kind: "rebuild-cache", edit: "src/main.go", append: "//", cachedSteps: ["go mod"] })];
    expect(checkRefProblems(checks, { contextFiles: ["main.go"], solution })).toEqual([
      'checks.0 (c): edit "src/main.go" is not a file in context/ (files: main.go)',
    ]);
    expect(checkRefProblems(checks, { contextFiles: ["src/main.go"], solution })).toEqual([]);
  });

  it("names targets the solution has no stage for", () => {
    const targets = (names: string[]) => [spec({ kind: "targets", targets: names.map((target) => ({ target, label: target })) })];
    expect(checkRefProblems(targets(["build", "debug"]), { contextFiles: [], solution })).toEqual([
      'checks.0 (c): the solution has no stage named "debug" to build as a target',
    ]);
    expect(checkRefProblems(targets(["build", "release"]), { contextFiles: [], solution })).toEqual([]);
  });
});
