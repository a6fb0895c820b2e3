import { describe, expect, it } from "vitest";
import {
  formatAddedMs,
  formatKiB,
  formatMs,
  formatRatio,
  median,
  overhead,
  percentile,
  renderMarkdown,
  renderText,
  runsPerMinute,
} from "./stats";

describe("bench statistics", () => {
  it("takes the median of odd and even counts and skips missing samples", () => {
    expect(median([5, 1, 3])).toBe(3);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([Number.NaN, 7, 9])).toBe(8);
    expect(median([])).toBeNaN();
  });

  it("takes nearest-rank percentiles", () => {
    const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];
    expect(percentile(ten, 50)).toBe(5);
    expect(percentile(ten, 95)).toBe(10);
    expect(percentile(ten, 0)).toBe(1);
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([], 95)).toBeNaN();
    expect(() => percentile(ten, 101)).toThrow(RangeError);
  });

  it("states runner overhead as a ratio and added milliseconds of the medians, with each n", () => {
    const o = overhead([1100, 1200, 1300], [1000, 1000, Number.NaN]);
    expect(o).toMatchObject({ runnerMs: 1200, rawMs: 1000, addedMs: 200, nRunner: 3, nRaw: 2 });
    expect(o.ratio).toBeCloseTo(1.2);
    expect(overhead([5], []).ratio).toBeNaN();
  });

  it("computes throughput in runs per minute", () => {
    expect(runsPerMinute(30, 60_000)).toBe(30);
    expect(runsPerMinute(5, 0)).toBeNaN();
  });
});

describe("bench formatting", () => {
  it("formats durations, differences, ratios and memory", () => {
    expect(formatMs(812.4)).toBe("812 ms");
    expect(formatMs(12_345)).toBe("12.3 s");
    expect(formatMs(Number.NaN)).toBe("—");
    expect(formatAddedMs(85)).toBe("+85 ms");
    expect(formatAddedMs(-12)).toBe("−12 ms");
    expect(formatRatio(1.0712)).toBe("×1.07");
    expect(formatKiB(102_400)).toBe("100.0 MiB");
  });

  const table = { title: "Build phase", columns: ["exercise", "ratio"], rows: [["go/a|b", "×1.07"]], note: "n = 5" };

  it("aligns plain-text columns", () => {
    expect(renderText(table).split("\n")).toEqual(["Build phase", "", "exercise  ratio", "--------  -----", "go/a|b    ×1.07", "", "n = 5"]);
  });

  it("renders Markdown with escaped pipes", () => {
    expect(renderMarkdown(table).split("\n")).toEqual([
      "**Build phase**",
      "",
      "| exercise | ratio |",
      "|---|---|",
      "| go/a\\|b | ×1.07 |",
      "",
      "n = 5",
    ]);
  });
});
