/**
 * What the instructor pages show. Every function takes the signed-in instructor's user id and
 * reads through owner-scoped queries (db/classes.ts): a class, learner or run id from the URL that
 * is not in one of their classes gives null, which the pages turn into a 404.
 */
import "server-only";
import { RunId } from "@/lib/protocol";
import { getOwnedClass, getOwnSubmission, listClassRuns, listRuns, type OwnedClass } from "@/db";
import { exerciseStats, learnerExercises, mostFailingChecks, type LearnerExercise } from "@/lib/dashboard/class-stats";
import { toCsv } from "@/lib/dashboard/csv";
import { exerciseHref, lessonsDone } from "@/lib/dashboard/learner-summary";
import { courseOutline, RUNS_PER_PAGE } from "./dashboard-data";

export type LearnerRow = {
  userId: string;
  name: string;
  email: string;
  joinedAt: Date;
  lessonsDone: number;
  exercisesPassed: number;
  runs: number;
  lastRunAt: Date | null;
};

export async function classDashboard(ownerId: string, classId: string) {
  const cls = await getOwnedClass(ownerId, classId);
  if (!cls) return null;
  const [{ outline, names }, runs] = await Promise.all([courseOutline(), listClassRuns(learnerIdsOf(cls))]);
  const rows = learnerExercises(runs);
  const learners: LearnerRow[] = cls.members.map((m) => {
    const mine = rows.filter((r) => r.learnerId === m.learnerId);
    const passed = new Set(mine.filter((r) => r.passedAt).map((r) => r.exerciseId));
    const myRuns = runs.filter((r) => r.learnerId === m.learnerId);
    return {
      userId: m.userId,
      name: m.name,
      email: m.email,
      joinedAt: m.joinedAt,
      lessonsDone: lessonsDone(outline, passed),
      exercisesPassed: passed.size,
      runs: myRuns.length,
      lastRunAt: myRuns.at(-1)?.createdAt ?? null,
    };
  });
  const stats = exerciseStats(runs);
  const exercises = outline.flatMap((l) =>
    l.exercises.flatMap((e) => {
      const s = stats.get(e.id);
      return s ? [{ ...s, title: e.title, lessonTitle: l.title, lessonOrder: l.order, href: exerciseHref(l.slug, e.name) }] : [];
    }),
  );
  const graded = runs.filter((r) => r.state === "passed" || r.state === "failed").length;
  const passedRuns = runs.filter((r) => r.state === "passed").length;
  return {
    cls,
    learners,
    exercises,
    failing: mostFailingChecks(runs, 8).map((f) => ({ ...f, exerciseTitle: names[f.exerciseId]?.title ?? f.exerciseId })),
    totals: {
      learners: cls.members.length,
      runs: runs.length,
      passRate: graded === 0 ? null : passedRuns / graded,
      exercisesTotal: outline.reduce((n, l) => n + l.exercises.length, 0),
      lessonsTotal: outline.length,
    },
  };
}

/** One member of the instructor's class: their standing per exercise and a page of their runs. */
export async function classLearner(ownerId: string, classId: string, userId: string, page: number) {
  const cls = await getOwnedClass(ownerId, classId);
  const member = cls?.members.find((m) => m.userId === userId);
  if (!cls || !member) return null;
  const { outline, names } = await courseOutline();
  if (!member.learnerId) return { cls, member, exercises: [], runs: { runs: [], total: 0, page: 1, pageCount: 1 }, names, lessonsTotal: outline.length };
  const [runs, classRuns] = await Promise.all([listRuns(member.learnerId, page, RUNS_PER_PAGE), listClassRuns([member.learnerId])]);
  const byId = new Map(learnerExercises(classRuns).map((r) => [r.exerciseId, r]));
  const exercises = outline.flatMap((l) =>
    l.exercises.flatMap((e) => {
      const row = byId.get(e.id);
      return row ? [{ ...row, title: e.title, lessonTitle: l.title, lessonOrder: l.order }] : [];
    }),
  );
  return { cls, member, exercises, runs, names, lessonsTotal: outline.length };
}

/** One run of a member of the instructor's class (the same scoped read as the learner's own run page). */
export async function classRun(ownerId: string, classId: string, userId: string, runId: string) {
  const cls = await getOwnedClass(ownerId, classId);
  const member = cls?.members.find((m) => m.userId === userId);
  if (!cls || !member?.learnerId || !RunId.safeParse(runId).success) return null;
  const run = await getOwnSubmission(member.learnerId, runId);
  if (!run) return null;
  const { names } = await courseOutline();
  return { cls, member, run, names: names[run.exerciseId] ?? null };
}

export const CSV_HEADER = [
  "learner",
  "email",
  "lesson",
  "exercise_id",
  "exercise",
  "runs",
  "graded_attempts",
  "passed_at",
  "best_image_bytes",
  "time_to_pass_seconds",
];

/** One row per learner × course exercise (untouched exercises too, so a sheet can pivot on it). */
export async function classCsv(ownerId: string, classId: string): Promise<{ name: string; csv: string } | null> {
  const cls = await getOwnedClass(ownerId, classId);
  if (!cls) return null;
  const [{ outline }, runs] = await Promise.all([courseOutline(), listClassRuns(learnerIdsOf(cls))]);
  const byKey = new Map<string, LearnerExercise>(learnerExercises(runs).map((r) => [`${r.learnerId}\u0000${r.exerciseId}`, r]));
  const rows = cls.members.flatMap((m) =>
    outline.flatMap((l) =>
      l.exercises.map((e) => {
        const r = m.learnerId ? byKey.get(`${m.learnerId}\u0000${e.id}`) : undefined;
        return [
          m.name,
          m.email,
          l.title,
          e.id,
          e.title,
          r?.submissions ?? 0,
          r?.attempts ?? 0,
          r?.passedAt?.toISOString() ?? null,
          r?.bestImageBytes ?? null,
          r?.timeToPassMs == null ? null : Math.round(r.timeToPassMs / 1000),
        ];
      }),
    ),
  );
  return { name: cls.name, csv: toCsv(CSV_HEADER, rows) };
}

const learnerIdsOf = (cls: OwnedClass) => cls.members.flatMap((m) => (m.learnerId ? [m.learnerId] : []));
