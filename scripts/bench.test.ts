import { describe, expect, it } from "vitest";
import { DEFAULT_EXERCISES, planFromArgs, SECTIONS } from "./bench";

describe("npm run bench options", () => {
  it("runs every section over the two default exercises, with small n under --quick", () => {
    const full = planFromArgs([]);
    expect(full.sections).toEqual([...SECTIONS]);
    expect(full.exercises).toEqual(DEFAULT_EXERCISES);
    expect(full.levels.map((l) => l.learners)).toEqual([1, 5, 30]);
    expect(full.memoryRuns).toBe(200);
    const quick = planFromArgs(["--quick"]);
    expect(quick.rounds).toBeLessThan(full.rounds);
    expect(quick.memoryRuns).toBeLessThan(full.memoryRuns);
  });

  it("takes the issue's row names for the runs section and drops repeats", () => {
    expect(planFromArgs(["--only", "build", "--only", "first-log", "--only", "queue"]).sections).toEqual(["runs", "queue"]);
  });

  it("refuses an unknown section or a bad count with a message naming the option", () => {
    expect(() => planFromArgs(["--only", "speed"])).toThrow(/--only speed: the sections are runs, queue, memory/);
    expect(() => planFromArgs(["--rounds", "0"])).toThrow(/--rounds takes a whole number/);
  });
});
