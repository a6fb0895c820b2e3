import { describe, expect, it } from "vitest";
import { ExerciseManifest, LessonFrontmatter } from "./schema";

const base = {
  title: "t",
  prompt: "p",
  hints: ["h"],
};
const check = { id: "c", title: "t", hint: "h" };

describe("exercise manifest schema", () => {
  it("refuses a misspelt check field instead of silently weakening the check", () => {
    const r = ExerciseManifest.safeParse({
      ...base,
      checks: [{ ...check, kind: "container-output", stdoutInclude: ["hi"] }],
    });
    expect(r.success).toBe(false);
    expect(JSON.stringify(r.error?.issues)).toContain("stdoutInclude");
  });
  it("refuses a stage-count with no bounds or inverted bounds", () => {
    expect(ExerciseManifest.safeParse({ ...base, checks: [{ ...check, kind: "stage-count" }] }).success).toBe(false);
    expect(ExerciseManifest.safeParse({ ...base, checks: [{ ...check, kind: "stage-count", min: 3, max: 2 }] }).success).toBe(false);
    expect(ExerciseManifest.safeParse({ ...base, checks: [{ ...check, kind: "stage-count", min: 2 }] }).success).toBe(true);
  });
  it("refuses an http health probe without a port, but not a HEALTHCHECK wait", () => {
    const noPort = ExerciseManifest.safeParse({ ...base, checks: [{ ...check, kind: "health-probe" }] });
    expect(noPort.success).toBe(false);
    expect(JSON.stringify(noPort.error?.issues)).toContain("needs the port");
    expect(ExerciseManifest.safeParse({ ...base, checks: [{ ...check, kind: "health-probe", port: 8080 }] }).success).toBe(true);
    expect(ExerciseManifest.safeParse({ ...base, checks: [{ ...check, kind: "health-probe", mode: "healthcheck" }] }).success).toBe(true);
  });
  it("refuses duplicate check ids and unknown frontmatter keys", () => {
    const dup = ExerciseManifest.safeParse({ ...base, checks: [{ ...check, kind: "non-root-user" }, { ...check, kind: "exec-form-cmd" }] });
    expect(dup.success).toBe(false);
    expect(LessonFrontmatter.safeParse({ title: "a", summary: "b", minutes: 5, minuts: 3 }).success).toBe(false);
  });
});
