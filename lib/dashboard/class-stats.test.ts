import { describe, expect, it } from "vitest";
import { exerciseStats, learnerExercises, median, mostFailingChecks, type ClassRun } from "./class-stats";

const t0 = new Date("2026-11-02T09:00:00Z").getTime();
const min = 60_000;
let n = 0;
function run(learnerId: string, exerciseId: string, state: string, atMin: number, extra: Partial<ClassRun> = {}): ClassRun {
  return {
    id: `r${n++}`,
    learnerId,
    exerciseId,
    state,
    createdAt: new Date(t0 + atMin * min),
    finishedAt: new Date(t0 + atMin * min + 30_000),
    imageBytes: null,
    failedChecks: [],
    ...extra,
  };
}
const fail = (...ids: string[]) => ({ failedChecks: ids.map((id) => ({ checkId: id, title: `Title of ${id}` })) });

describe("median", () => {
  it("takes the middle value, or the mean of the middle two", () => {
    expect(median([])).toBeNull();
    expect(median([7])).toBe(7);
    expect(median([9, 1, 5])).toBe(5);
    expect(median([4, 1, 3, 10])).toBe(3.5);
  });
});

describe("learnerExercises", () => {
  it("counts runs and graded attempts, keeps the first pass and the smallest passing image", () => {
    const runs = [
      run("ann", "a/x", "failed", 0),
      run("ann", "a/x", "error", 2),
      run("ann", "a/x", "passed", 10, { imageBytes: 900 }),
      run("ann", "a/x", "passed", 20, { imageBytes: 300 }),
      run("ann", "a/x", "cancelled", 25),
    ];
    expect(learnerExercises(runs)).toEqual([
      {
        learnerId: "ann",
        exerciseId: "a/x",
        submissions: 5,
        attempts: 3,
        firstRunAt: new Date(t0),
        passedAt: new Date(t0 + 10 * min + 30_000),
        bestImageBytes: 300,
        timeToPassMs: 10 * min + 30_000,
      },
    ]);
  });

  it("leaves time to pass empty for a learner who never passed, whatever the input order", () => {
    const rows = learnerExercises([run("bo", "a/x", "failed", 5), run("bo", "a/x", "failed", 1)]);
    expect(rows[0]).toMatchObject({ attempts: 2, passedAt: null, timeToPassMs: null, firstRunAt: new Date(t0 + min) });
  });
});

describe("exerciseStats", () => {
  it("pass rate is passed ÷ graded runs; the median time to pass is over learners who passed", () => {
    const runs = [
      run("ann", "a/x", "failed", 0),
      run("ann", "a/x", "passed", 4), // 4 min 30 s
      run("bo", "a/x", "failed", 0),
      run("bo", "a/x", "failed", 1),
      run("bo", "a/x", "interrupted", 2),
      run("bo", "a/x", "passed", 10), // 10 min 30 s
      run("cy", "a/x", "failed", 0),
      run("cy", "a/x", "passed", 20), // 20 min 30 s
      run("dee", "a/x", "failed", 3),
      run("ann", "b/y", "cancelled", 30),
    ];
    const stats = exerciseStats(runs);
    expect(stats.get("a/x")).toEqual({
      exerciseId: "a/x",
      submissions: 9,
      graded: 8,
      passedRuns: 3,
      passRate: 3 / 8,
      learnersTried: 4,
      learnersPassed: 3,
      medianTimeToPassMs: 10 * min + 30_000,
    });
    // Only a cancelled run: nothing graded, so no rate rather than 0 %.
    expect(stats.get("b/y")).toMatchObject({ submissions: 1, graded: 0, passRate: null, medianTimeToPassMs: null });
  });
});

describe("mostFailingChecks", () => {
  it("counts failing checks of graded runs per exercise, most first, with how many learners hit them", () => {
    const runs = [
      run("ann", "a/x", "failed", 0, fail("small", "non-root")),
      run("ann", "a/x", "failed", 1, fail("small")),
      run("bo", "a/x", "failed", 0, fail("small")),
      run("bo", "a/x", "failed", 1, fail("non-root")),
      run("bo", "b/y", "failed", 2, fail("small")), // same check id, other exercise: its own row
      run("cy", "a/x", "error", 0, fail("ignored")), // not graded
    ];
    expect(mostFailingChecks(runs)).toEqual([
      { exerciseId: "a/x", checkId: "small", title: "Title of small", count: 3, learners: 2 },
      { exerciseId: "a/x", checkId: "non-root", title: "Title of non-root", count: 2, learners: 2 },
      { exerciseId: "b/y", checkId: "small", title: "Title of small", count: 1, learners: 1 },
    ]);
    expect(mostFailingChecks(runs, 1)).toHaveLength(1);
  });
});
