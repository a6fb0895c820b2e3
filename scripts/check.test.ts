import { describe, expect, it } from "vitest";
import { skipList } from "./check";

describe("npm test's --skip", () => {
  it("is empty without the flag (the node binary in argv is not a step name)", () => {
    expect(skipList([])).toEqual(new Set());
  });
  it("reads both spellings and trims names", () => {
    expect(skipList(["--skip", "e2e, engine"])).toEqual(new Set(["e2e", "engine"]));
    expect(skipList(["--skip=build"])).toEqual(new Set(["build"]));
  });
});
