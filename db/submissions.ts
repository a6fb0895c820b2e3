/**
 * A Submission's life: queued → running → one terminal state (RunState). Every write is guarded
 * by the current state, so a late or repeated call (a cancel racing a finish, a retry after a
 * timeout) can never move a finished submission again.
 */
import { z } from "zod";
import { CheckResult } from "../lib/checks";
import { RunState } from "../lib/protocol";
import { ImageReport } from "../lib/report";
import type { Db } from "./client";
import { DbDataError, parseJsonColumn, withoutNul } from "./json-column";
import { recordGradedRun } from "./progress";

/** Largest build log kept with a Result; the tail (where errors are) is what survives. */
export const RESULT_LOG_MAX_BYTES = 256 * 1024;

const UNFINISHED = ["queued", "running"] as const;
const CheckResults = z.array(CheckResult);

export type NewSubmission = { id: string; learnerId: string; exerciseId: string; dockerfile: string };

export const FinishInput = z.object({
  state: RunState,
  durationMs: z.number().nonnegative(),
  buildMs: z.number().nonnegative().optional(),
  errorCode: z.string().optional(),
  errorMessage: z.string().optional(),
  report: ImageReport.optional(),
  checks: CheckResults.optional(),
  log: z.string().optional(),
});
export type FinishInput = z.input<typeof FinishInput>;

/** Writes the Submission in state "queued"; creates the learner row if it is missing. */
export async function createSubmission(db: Db, s: NewSubmission): Promise<void> {
  await db.submission.create({
    data: {
      id: s.id,
      exerciseId: s.exerciseId,
      // PostgreSQL text cannot hold NUL, and a Dockerfile with one never parses anyway.
      dockerfile: s.dockerfile.replaceAll("\u0000", ""),
      learner: { connectOrCreate: { where: { id: s.learnerId }, create: { id: s.learnerId } } },
    },
  });
}

export async function markSubmissionRunning(db: Db, id: string): Promise<void> {
  await db.submission.updateMany({
    where: { id, state: "queued" },
    data: { state: "running", startedAt: new Date() },
  });
}

/**
 * Moves a queued or running submission to its terminal state and writes its Result, in one
 * transaction. Returns false (and writes nothing) when the submission is missing or already
 * finished, which makes a repeated call harmless.
 */
export async function finishSubmission(db: Db, id: string, input: FinishInput): Promise<boolean> {
  // Validate on the way in too, so what we store is always what readers can parse.
  const f = FinishInput.parse(input);
  const log = capLog(f.log ?? "");
  return db.$transaction(async (tx) => {
    const now = new Date();
    const moved = await tx.submission.updateMany({
      where: { id, state: { in: [...UNFINISHED] } },
      data: {
        state: f.state,
        finishedAt: now,
        durationMs: Math.round(f.durationMs),
        buildMs: f.buildMs === undefined ? null : Math.round(f.buildMs),
        errorCode: f.errorCode ?? null,
        errorMessage: f.errorMessage?.replaceAll("\u0000", "") ?? null,
      },
    });
    if (moved.count === 0) return false;
    await tx.result.create({
      data: {
        submissionId: id,
        report: f.report === undefined ? undefined : withoutNul(f.report),
        checks: withoutNul(f.checks ?? []),
        log: log.text,
        logTruncated: log.truncated,
      },
    });
    if (f.state === "passed" || f.state === "failed") {
      const { learnerId, exerciseId } = await tx.submission.findUniqueOrThrow({
        where: { id },
        select: { learnerId: true, exerciseId: true },
      });
      await recordGradedRun(tx, { learnerId, exerciseId, passed: f.state === "passed", at: now, imageBytes: f.report?.sizeBytes });
    }
    return true;
  });
}

/** At runner start-up: whatever a previous process left unfinished can never finish now. */
export async function markInterruptedSubmissions(db: Db): Promise<number> {
  const { count } = await db.submission.updateMany({
    where: { state: { in: [...UNFINISHED] } },
    data: {
      state: "interrupted",
      finishedAt: new Date(),
      errorMessage: "The runner stopped before this run finished.",
    },
  });
  return count;
}

export type LatestSubmission = {
  id: string;
  exerciseId: string;
  dockerfile: string;
  state: string;
  errorCode: string | null;
  errorMessage: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  durationMs: number | null;
  result: { report: ImageReport | null; checks: CheckResult[]; log: string; logTruncated: boolean } | null;
};

export async function getLatestSubmission(db: Db, learnerId: string, exerciseId: string): Promise<LatestSubmission | null> {
  return readSubmission(db, { where: { learnerId, exerciseId }, orderBy: { createdAt: "desc" } });
}

/**
 * One submission with its result, only if it is this learner's (a run page's read): another
 * learner's run answers null, exactly like an id that does not exist.
 */
export async function getOwnSubmission(db: Db, learnerId: string, id: string): Promise<LatestSubmission | null> {
  return readSubmission(db, { where: { id, learnerId } });
}

async function readSubmission(
  db: Db,
  query: { where: { learnerId: string; exerciseId?: string; id?: string }; orderBy?: { createdAt: "desc" } },
): Promise<LatestSubmission | null> {
  const row = await db.submission.findFirst({ ...query, include: { result: true } }).catch(async (error: unknown) => {
    // Prisma parses Json columns itself and throws a bare SyntaxError on text that is not JSON
    // (possible on SQLite, where Json is stored as text); say which row it was.
    if (!(error instanceof SyntaxError)) throw error;
    const bad = await db.submission.findFirst({ ...query, select: { id: true } });
    throw new DbDataError(`Result ${bad?.id ?? "?"} holds a JSON column that is not valid JSON (${error.message})`);
  });
  if (!row) return null;
  const where = `Result ${row.id}`;
  return {
    id: row.id,
    exerciseId: row.exerciseId,
    dockerfile: row.dockerfile,
    state: row.state,
    errorCode: row.errorCode,
    errorMessage: row.errorMessage,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
    durationMs: row.durationMs,
    result: row.result && {
      report: parseJsonColumn(ImageReport.nullable(), row.result.report, `${where} column "report"`),
      checks: parseJsonColumn(CheckResults, row.result.checks, `${where} column "checks"`),
      log: row.result.log,
      logTruncated: row.result.logTruncated,
    },
  };
}

export type SubmissionSummary = Pick<LatestSubmission, "id" | "state" | "errorCode" | "createdAt" | "durationMs">;

/** A learner's recent runs of one exercise, newest first (no Dockerfiles or results). */
export async function listSubmissions(db: Db, learnerId: string, exerciseId: string, limit = 20): Promise<SubmissionSummary[]> {
  return db.submission.findMany({
    where: { learnerId, exerciseId },
    orderBy: { createdAt: "desc" },
    take: limit,
    select: { id: true, state: true, errorCode: true, createdAt: true, durationMs: true },
  });
}

/** Keeps the last RESULT_LOG_MAX_BYTES bytes of the log, starting at a character boundary. */
export function capLog(text: string, maxBytes = RESULT_LOG_MAX_BYTES): { text: string; truncated: boolean } {
  const clean = text.replaceAll("\u0000", "");
  const bytes = Buffer.from(clean, "utf8");
  if (bytes.length <= maxBytes) return { text: clean, truncated: false };
  let start = bytes.length - maxBytes;
  while (start < bytes.length && ((bytes[start] ?? 0) & 0xc0) === 0x80) start += 1; // skip continuation bytes
  return { text: bytes.subarray(start).toString("utf8"), truncated: true };
}

