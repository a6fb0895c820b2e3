import { describe, expect, it } from "vitest";
import { CheckSpec } from "../../../lib/checks";
import { CHECKS } from "./registry";

describe("CHECKS registry", () => {
  it("has exactly one check for every kind in the CheckSpec union", () => {
    const kinds = CheckSpec.options.map((option) => option.shape.kind.value).sort();
    expect(Object.keys(CHECKS).sort()).toEqual(kinds);
    for (const fn of Object.values(CHECKS)) expect(typeof fn).toBe("function");
  });
});
