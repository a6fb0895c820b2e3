/**
 * What the dashboards read. Every function that returns a learner's runs takes that learner's id
 * and puts it in the query itself: a run id from a URL is never enough to read a run.
 */
import { z } from "zod";
import { CheckResult } from "../lib/checks";
import type { ClassRun } from "../lib/dashboard/class-stats";
import type { Db } from "./client";
import { parseJsonColumn } from "./json-column";

/** Only the size of a stored report: history rows need no more, and a partial read stays cheap to validate. */
export const ReportSize = z.object({ sizeBytes: z.number().int().nonnegative() }).nullable();
const CheckResults = z.array(CheckResult);

export type RunSummary = {
  id: string;
  exerciseId: string;
  state: string;
  errorCode: string | null;
  createdAt: Date;
  durationMs: number | null;
  /** Final image size when the run built one. */
  imageBytes: number | null;
};

export type RunPage = { runs: RunSummary[]; total: number; page: number; pageCount: number };

/** A learner's runs of every exercise, newest first, `pageSize` at a time (page 1 is the newest). */
export async function listRuns(db: Db, learnerId: string, page = 1, pageSize = 20): Promise<RunPage> {
  const total = await db.submission.count({ where: { learnerId } });
  const pageCount = Math.max(1, Math.ceil(total / pageSize));
  const current = Math.min(Math.max(1, Math.floor(page) || 1), pageCount);
  const rows = await db.submission.findMany({
    where: { learnerId },
    orderBy: [{ createdAt: "desc" }, { id: "asc" }],
    skip: (current - 1) * pageSize,
    take: pageSize,
    select: {
      id: true,
      exerciseId: true,
      state: true,
      errorCode: true,
      createdAt: true,
      durationMs: true,
      result: { select: { report: true } },
    },
  });
  const runs = rows.map(({ result, ...r }) => ({
    ...r,
    imageBytes: parseJsonColumn(ReportSize, result?.report ?? null, `Result ${r.id} column "report"`)?.sizeBytes ?? null,
  }));
  return { runs, total, page: current, pageCount };
}

export type ExerciseStanding = { exerciseId: string; attempts: number; passedAt: Date | null; bestImageBytes: number | null };

/** Every exercise the learner has a graded run of, passed or not. */
export async function listStanding(db: Db, learnerIds: string[]): Promise<(ExerciseStanding & { learnerId: string })[]> {
  const rows = await db.progress.findMany({ where: { learnerId: { in: learnerIds } } });
  return rows.map((r) => ({
    learnerId: r.learnerId,
    exerciseId: r.exerciseId,
    attempts: r.attempts,
    passedAt: r.passedAt,
    bestImageBytes: r.bestImageBytes === null ? null : Number(r.bestImageBytes),
  }));
}

/** The exercise of the learner's newest run, or null before the first run. */
export async function latestExerciseId(db: Db, learnerId: string): Promise<string | null> {
  const row = await db.submission.findFirst({ where: { learnerId }, orderBy: { createdAt: "desc" }, select: { exerciseId: true } });
  return row?.exerciseId ?? null;
}

/**
 * The size of each exercise's starter image, from the newest run anyone made of the unchanged
 * starter (the text is the course's, not a learner's, and only the size is read). Exercises
 * nobody has built the starter of are missing from the map.
 */
export async function starterImageSizes(db: Db, starters: { exerciseId: string; dockerfile: string }[]): Promise<Map<string, number>> {
  if (starters.length === 0) return new Map();
  const rows = await db.submission.findMany({
    where: {
      OR: starters.map((s) => ({ exerciseId: s.exerciseId, dockerfile: s.dockerfile })),
      state: { in: ["passed", "failed"] },
      result: { isNot: null },
    },
    orderBy: { createdAt: "desc" },
    select: { id: true, exerciseId: true, result: { select: { report: true } } },
  });
  const sizes = new Map<string, number>();
  for (const row of rows) {
    if (sizes.has(row.exerciseId)) continue;
    const size = parseJsonColumn(ReportSize, row.result?.report ?? null, `Result ${row.id} column "report"`)?.sizeBytes;
    if (size !== undefined) sizes.set(row.exerciseId, size);
  }
  return sizes;
}

/**
 * Every run of these learners in the shape the class statistics need: the failing checks of each
 * graded run and the image size of each passing one. Reads only what the aggregates use.
 */
export async function listClassRuns(db: Db, learnerIds: string[]): Promise<ClassRun[]> {
  if (learnerIds.length === 0) return [];
  const rows = await db.submission.findMany({
    where: { learnerId: { in: learnerIds } },
    orderBy: { createdAt: "asc" },
    select: {
      id: true,
      learnerId: true,
      exerciseId: true,
      state: true,
      createdAt: true,
      finishedAt: true,
      result: { select: { report: true, checks: true } },
    },
  });
  return rows.map((r) => {
    const where = `Result ${r.id}`;
    const checks = r.result ? parseJsonColumn(CheckResults, r.result.checks, `${where} column "checks"`) : [];
    return {
      id: r.id,
      learnerId: r.learnerId,
      exerciseId: r.exerciseId,
      state: r.state,
      createdAt: r.createdAt,
      finishedAt: r.finishedAt,
      imageBytes: parseJsonColumn(ReportSize, r.result?.report ?? null, `${where} column "report"`)?.sizeBytes ?? null,
      failedChecks: checks.filter((c) => c.status === "fail").map((c) => ({ checkId: c.checkId, title: c.title })),
    };
  });
}
