import { describe, expect, it } from "vitest";
import { formatPercent, formatSpan, runStateLabel } from "./format";

describe("dashboard formats", () => {
  it("formats spans from seconds to days", () => {
    expect(formatSpan(null)).toBe("—");
    expect(formatSpan(44_600)).toBe("45 s");
    expect(formatSpan(12 * 60_000)).toBe("12 min");
    expect(formatSpan(185 * 60_000)).toBe("3 h 5 min");
    expect(formatSpan(120 * 60_000)).toBe("2 h");
    expect(formatSpan(52 * 3_600_000)).toBe("2 d 4 h");
  });

  it("formats ratios and run states", () => {
    expect(formatPercent(3 / 8)).toBe("38 %");
    expect(formatPercent(null)).toBe("—");
    expect(runStateLabel("failed")).toEqual({ label: "Failed", tone: "fail" });
    expect(runStateLabel("interrupted").tone).toBe("warn");
  });
});
