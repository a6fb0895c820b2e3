import { describe, expect, it } from "vitest";
import { learnerSummary, type CourseOutline } from "./learner-summary";

const course: CourseOutline = [
  { slug: "one", title: "One", order: 1, exercises: [{ id: "one/a", name: "a", title: "A" }] },
  { slug: "two", title: "Two", order: 2, exercises: [{ id: "two/b", name: "b", title: "B" }, { id: "two/c", name: "c", title: "C" }] },
  { slug: "three", title: "Three", order: 3, exercises: [{ id: "three/d", name: "d", title: "D" }] },
  { slug: "four", title: "Four", order: 4, exercises: [] },
];
const passed = (exerciseId: string, bestImageBytes: number | null = null) => ({ exerciseId, attempts: 1, passedAt: new Date(), bestImageBytes });
const tried = (exerciseId: string) => ({ exerciseId, attempts: 2, passedAt: null, bestImageBytes: null });

describe("learnerSummary", () => {
  it("counts lessons whose exercises are all passed (a lesson without exercises never counts)", () => {
    const s = learnerSummary(course, [passed("one/a"), passed("two/b")], "two/b");
    expect(s).toMatchObject({ lessonsDone: 1, lessonsTotal: 4, exercisesDone: 2, exercisesTotal: 4 });
  });

  it("the current exercise is the newest run's when not passed, else the next unpassed one after it", () => {
    expect(learnerSummary(course, [tried("two/c"), passed("one/a")], "two/c").current?.id).toBe("two/c");
    expect(learnerSummary(course, [passed("two/b")], "two/b").current?.id).toBe("two/c");
    // Wraps around: after the last exercise, the first one not passed.
    expect(learnerSummary(course, [passed("three/d"), passed("one/a")], "three/d").current?.id).toBe("two/b");
    expect(learnerSummary(course, [], null).current).toMatchObject({ id: "one/a", href: "/lessons/one?exercise=a#exercise" });
    expect(learnerSummary(course, ["one/a", "two/b", "two/c", "three/d"].map((id) => passed(id)), "one/a").current).toBeNull();
  });

  it("lists every exercise in course order with its best image and the starter's size when known", () => {
    const s = learnerSummary(course, [passed("two/b", 4096)], "two/b", new Map([["two/b", 65536]]));
    expect(s.exercises.map((e) => e.id)).toEqual(["one/a", "two/b", "two/c", "three/d"]);
    expect(s.exercises[1]).toMatchObject({ bestImageBytes: 4096, starterBytes: 65536, lessonTitle: "Two", attempts: 1 });
    expect(s.exercises[0]).toMatchObject({ bestImageBytes: null, starterBytes: null, attempts: 0, passedAt: null });
  });
});
