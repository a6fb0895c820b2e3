/**
 * The course's reference solutions are correct by definition: the advice rules must not warn on
 * them (an info hint is fine, e.g. on the deliberate monolith of lesson 1).
 */
import { describe, expect, it } from "vitest";
import { loadCourse } from "../../lessons/load";
import { lintDockerfile } from "../index";

const ADVICE_RULES = new Set(["cache-order", "secret-in-build-arg-or-env", "final-stage-build-tools", "single-stage-build-tools", "final-stage-healthcheck"]);

describe("advice rules on the real course", () => {
  it("raise no warning on any solution", async () => {
    const exercises = (await loadCourse("lessons")).flatMap((lesson) => lesson.exercises);
    expect(exercises.length).toBeGreaterThan(0);
    const warned = exercises.flatMap((exercise) =>
      lintDockerfile(exercise.solution)
        .filter((d) => ADVICE_RULES.has(d.rule) && d.severity !== "info")
        .map((d) => `${exercise.id}:${d.startLine} ${d.rule}`),
    );
    expect(warned).toEqual([]);
  });
});
