import { describe, expect, it } from "vitest";
import type { AttributedLayer } from "@/lib/insight/index";
import { barPercent, efficiencyPercent, layerRows, lineLabel, splitDiff } from "./insight-model";

const layer = (origin: AttributedLayer["origin"], sizeBytes: number, line: number | null = null): AttributedLayer => ({
  instruction: "RUN x",
  sizeBytes,
  empty: sizeBytes === 0,
  origin,
  line,
  endLine: line,
  stage: line ? "stage 0" : null,
});

describe("insight view model", () => {
  it("folds the base image's layers into one row and keeps each own layer's history index", () => {
    const rows = layerRows([layer("base", 100), layer("base", 0), layer("own", 5, 3), layer("own", 0, 4)]);
    expect(rows).toEqual([
      { kind: "base", count: 2, sizeBytes: 100 },
      { kind: "own", index: 2, layer: layer("own", 5, 3) },
      { kind: "own", index: 3, layer: layer("own", 0, 4) },
    ]);
  });

  it("never draws a non-empty layer as nothing, and never past the track", () => {
    expect(barPercent(1, 1_000_000)).toBe(1.5);
    expect(barPercent(0, 10)).toBe(0);
    expect(barPercent(10, 10)).toBe(100);
  });

  it("names lines the way a learner reads them", () => {
    expect(lineLabel({ line: 4, endLine: 4 })).toBe("line 4");
    expect(lineLabel({ line: 4, endLine: 6 })).toBe("lines 4–6");
    expect(lineLabel({ line: null, endLine: null })).toBeNull();
  });

  it("computes efficiency as the share of written bytes still in use", () => {
    expect(efficiencyPercent({ reclaimableBytes: 25, writtenBytes: 100 })).toBe(75);
    expect(efficiencyPercent({ reclaimableBytes: 0, writtenBytes: 0 })).toBe(100);
  });

  it("splits a diff into what the learner's image has more and less of", () => {
    const row = (mineBytes: number, otherBytes: number) => ({ category: "app" as const, label: "x", path: `/p${mineBytes}`, mineBytes, otherBytes });
    expect(splitDiff([row(5, 1), row(1, 5)])).toEqual({ more: [row(5, 1)], less: [row(1, 5)] });
  });
});
