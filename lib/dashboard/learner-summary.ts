/**
 * A learner's place in the course, from their standing per exercise: lessons and exercises done,
 * the exercise to go back to, and each exercise's best image next to its starter's size.
 */
export type CourseOutline = {
  slug: string;
  title: string;
  order: number;
  exercises: { id: string; name: string; title: string }[];
}[];

export type Standing = { exerciseId: string; attempts: number; passedAt: Date | null; bestImageBytes: number | null };

export type ExerciseLine = {
  id: string;
  /** The exercise's folder name (`?exercise=` on the lesson page). */
  name: string;
  title: string;
  lessonSlug: string;
  lessonTitle: string;
  lessonOrder: number;
  href: string;
  attempts: number;
  passedAt: Date | null;
  bestImageBytes: number | null;
  starterBytes: number | null;
};

export type LearnerSummary = {
  lessonsDone: number;
  lessonsTotal: number;
  exercisesDone: number;
  exercisesTotal: number;
  /** The exercise to continue with; null when every exercise is passed. */
  current: ExerciseLine | null;
  exercises: ExerciseLine[];
};

export const leaderboardHref = (lessonSlug: string, exerciseName: string) => `/leaderboard/${lessonSlug}/${encodeURIComponent(exerciseName)}`;
export const exerciseHref = (lessonSlug: string, exerciseName: string) => `/lessons/${lessonSlug}?exercise=${encodeURIComponent(exerciseName)}#exercise`;

/** Lessons whose exercises are all passed (a lesson without exercises is never "done", as on the course index). */
export function lessonsDone(course: CourseOutline, passed: ReadonlySet<string>): number {
  return course.filter((l) => l.exercises.length > 0 && l.exercises.every((e) => passed.has(e.id))).length;
}

/**
 * @param latestExerciseId the exercise of the learner's newest run: if it is not passed yet it is
 *   the current one; otherwise the next unpassed exercise after it (then from the start).
 */
export function learnerSummary(
  course: CourseOutline,
  standing: Standing[],
  latestExerciseId: string | null,
  starterSizes: ReadonlyMap<string, number> = new Map(),
): LearnerSummary {
  const byId = new Map(standing.map((s) => [s.exerciseId, s]));
  const exercises: ExerciseLine[] = course.flatMap((lesson) =>
    lesson.exercises.map((e) => {
      const s = byId.get(e.id);
      return {
        id: e.id,
        name: e.name,
        title: e.title,
        lessonSlug: lesson.slug,
        lessonTitle: lesson.title,
        lessonOrder: lesson.order,
        href: exerciseHref(lesson.slug, e.name),
        attempts: s?.attempts ?? 0,
        passedAt: s?.passedAt ?? null,
        bestImageBytes: s?.bestImageBytes ?? null,
        starterBytes: starterSizes.get(e.id) ?? null,
      };
    }),
  );
  const passed = new Set(exercises.filter((e) => e.passedAt).map((e) => e.id));
  const latest = exercises.findIndex((e) => e.id === latestExerciseId);
  const rotated = latest < 0 ? exercises : [...exercises.slice(latest), ...exercises.slice(0, latest)];
  return {
    lessonsDone: lessonsDone(course, passed),
    lessonsTotal: course.length,
    exercisesDone: passed.size,
    exercisesTotal: exercises.length,
    current: rotated.find((e) => !passed.has(e.id)) ?? null,
    exercises,
  };
}
