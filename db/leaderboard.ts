/** The opt-in leaderboard's data and the learner's own choice to be on it. */
import type { PassingRun } from "../lib/dashboard/leaderboard";
import type { Db } from "./client";
import { ReportSize } from "./dashboard";
import { parseJsonColumn } from "./json-column";

/**
 * Passing runs of an exercise by learners whose account opted in, with their display names
 * (null = none chosen). Emails are never read here.
 */
export async function leaderboardRuns(db: Db, exerciseId: string): Promise<{ runs: PassingRun[]; names: Map<string, string | null> }> {
  const rows = await db.submission.findMany({
    where: { exerciseId, state: "passed", learner: { user: { leaderboardOptIn: true } } },
    select: {
      id: true,
      learnerId: true,
      createdAt: true,
      finishedAt: true,
      result: { select: { report: true } },
      learner: { select: { user: { select: { displayName: true } } } },
    },
  });
  const runs: PassingRun[] = [];
  const names = new Map<string, string | null>();
  for (const row of rows) {
    names.set(row.learnerId, row.learner.user?.displayName ?? null);
    const size = parseJsonColumn(ReportSize, row.result?.report ?? null, `Result ${row.id} column "report"`)?.sizeBytes;
    if (size !== undefined) runs.push({ learnerId: row.learnerId, imageBytes: size, at: row.finishedAt ?? row.createdAt });
  }
  return { runs, names };
}

export const DISPLAY_NAME_MAX = 40;

export class DisplayNameError extends Error {
  override name = "DisplayNameError";
}

/** Saves the leaderboard choice and the name shown there (blank = "anonymous learner"). */
export async function setLeaderboardChoice(db: Db, userId: string, optIn: boolean, displayName: string): Promise<void> {
  const clean = displayName.replace(/\s+/g, " ").trim();
  if (clean.length > DISPLAY_NAME_MAX) throw new DisplayNameError(`A display name has at most ${DISPLAY_NAME_MAX} characters.`);
  await db.user.update({ where: { id: userId }, data: { leaderboardOptIn: optIn, displayName: clean || null } });
}

export async function getLeaderboardChoice(db: Db, userId: string): Promise<{ optIn: boolean; displayName: string | null }> {
  const row = await db.user.findUnique({ where: { id: userId }, select: { leaderboardOptIn: true, displayName: true } });
  return { optIn: row?.leaderboardOptIn ?? false, displayName: row?.displayName ?? null };
}
