/**
 * What the dashboard pages show, gathered in one place so the pages stay thin. The learner id
 * always comes from the caller's session (cookie or account), never from the URL.
 */
import "server-only";
import { RunId } from "@/lib/protocol";
import { getOwnSubmission, latestExerciseId, listClassRuns, listRuns, listStanding, starterImageSizes } from "@/db";
import { exerciseHref, learnerSummary, type CourseOutline } from "@/lib/dashboard/learner-summary";
import type { ExerciseNames } from "@/components/dashboard/RunHistory";
import { getCourse } from "./course";

export const RUNS_PER_PAGE = 20;

export async function courseOutline(): Promise<{ outline: CourseOutline; names: ExerciseNames; starters: { exerciseId: string; dockerfile: string }[] }> {
  const course = await getCourse();
  const outline = course.map((l) => ({
    slug: l.slug,
    title: l.title,
    order: l.order,
    exercises: l.exercises.map((e) => ({ id: e.id, name: e.name, title: e.title })),
  }));
  const names: ExerciseNames = {};
  for (const l of course) for (const e of l.exercises) names[e.id] = { title: e.title, lessonTitle: l.title };
  const starters = course.flatMap((l) => l.exercises.map((e) => ({ exerciseId: e.id, dockerfile: e.starter })));
  return { outline, names, starters };
}

/** The learner dashboard: summary, best sizes and one page of run history. */
export async function learnerDashboard(learnerId: string | null, page: number) {
  const { outline, names, starters } = await courseOutline();
  if (!learnerId) {
    return { summary: learnerSummary(outline, [], null), runs: { runs: [], total: 0, page: 1, pageCount: 1 }, names, sizeHistory: {} };
  }
  const [standing, latest, runs, sizes, all] = await Promise.all([
    listStanding([learnerId]),
    latestExerciseId(learnerId),
    listRuns(learnerId, page, RUNS_PER_PAGE),
    starterImageSizes(starters),
    listClassRuns([learnerId]),
  ]);
  // Graded runs only, oldest first: the sparkline of each exercise's image size.
  const sizeHistory: Record<string, { bytes: number | null; passed: boolean }[]> = {};
  for (const r of all) {
    if (r.state !== "passed" && r.state !== "failed") continue;
    (sizeHistory[r.exerciseId] ??= []).push({ bytes: r.imageBytes, passed: r.state === "passed" });
  }
  return { summary: learnerSummary(outline, standing, latest, sizes), runs, names, sizeHistory };
}

/** One run of this learner's, with the exercise's names; null when it is not theirs or does not exist. */
export async function learnerRun(learnerId: string | null, runId: string) {
  if (!learnerId || !RunId.safeParse(runId).success) return null;
  const [run, { outline, names }] = await Promise.all([getOwnSubmission(learnerId, runId), courseOutline()]);
  if (!run) return null;
  const lesson = outline.find((l) => l.exercises.some((e) => e.id === run.exerciseId));
  const exercise = lesson?.exercises.find((e) => e.id === run.exerciseId);
  return { run, names: names[run.exerciseId] ?? null, href: lesson && exercise ? exerciseHref(lesson.slug, exercise.name) : null };
}
