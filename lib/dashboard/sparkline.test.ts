import { describe, expect, it } from "vitest";
import { sparkline } from "./sparkline";

describe("sparkline", () => {
  it("spaces runs evenly and scales sizes from zero (bottom) to the largest (top)", () => {
    const pts = sparkline(
      [
        { bytes: 1000, passed: false },
        { bytes: null, passed: false }, // no image: a gap, not a zero
        { bytes: 100, passed: true },
        { bytes: 550, passed: true },
      ],
      96,
      26,
    );
    expect(pts).toEqual([
      { x: 3, y: 3, passed: false },
      { x: 63, y: 21, passed: true },
      { x: 93, y: 12, passed: true },
    ]);
  });

  it("draws one run centred at the top and nothing without images", () => {
    expect(sparkline([{ bytes: 5, passed: true }], 96, 26)).toEqual([{ x: 48, y: 3, passed: true }]);
    expect(sparkline([{ bytes: null, passed: false }], 96, 26)).toEqual([]);
  });
});
