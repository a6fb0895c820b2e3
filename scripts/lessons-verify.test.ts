import { describe, expect, it } from "vitest";
import type { CheckResult } from "../lib/checks";
import type { RunOutcome } from "../sandbox-runner/src/run-pipeline";
import { judge } from "./lessons-verify";

const check = (checkId: string, status: CheckResult["status"]): CheckResult => ({
  checkId,
  kind: "non-root-user",
  title: checkId,
  status,
  message: `${checkId} is ${status}`,
});
const outcome = (o: Partial<RunOutcome>): RunOutcome => ({ state: "failed", durationMs: 1, log: "", ...o });

describe("judge", () => {
  it("accepts a starter that fails at least one check and names it", () => {
    const v = judge("starter", outcome({ checks: [check("builds", "pass"), check("non-root", "fail")] }));
    expect(v).toEqual({ ok: true, summary: "fails non-root" });
  });

  it("rejects a starter that passes everything", () => {
    const v = judge("starter", outcome({ state: "passed", checks: [check("builds", "pass")] }));
    expect(v.ok).toBe(false);
    expect(v.problem).toMatch(/starter passes every check/);
  });

  it("accepts a passing solution and rejects a failing one, naming the failing checks", () => {
    expect(judge("solution", outcome({ state: "passed", checks: [check("a", "pass")] })).ok).toBe(true);
    const v = judge("solution", outcome({ checks: [check("a", "pass"), check("small", "fail"), check("runs", "error")] }));
    expect(v.ok).toBe(false);
    expect(v.problem).toContain("small (fail: small is fail)");
    expect(v.problem).toContain("runs (error: runs is error)");
  });

  it("treats a sandbox error as a mismatch for either variant", () => {
    const errored = outcome({ state: "error", errorCode: "admission_rejected", errorMessage: "ADD from a URL" });
    expect(judge("starter", errored)).toMatchObject({ ok: false, summary: "admission_rejected" });
    expect(judge("solution", errored).problem).toContain("ADD from a URL");
  });
});
