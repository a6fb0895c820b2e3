/**
 * The opt-in leaderboard of one exercise: each learner's smallest passing final image, smallest
 * first, equal sizes ordered by who got there first. Only learners who opted in are passed in;
 * a learner without a display name shows as "anonymous learner" (never their email).
 */
export type PassingRun = { learnerId: string; imageBytes: number; at: Date };
export type LeaderboardEntry = { rank: number; learnerId: string; name: string; imageBytes: number; at: Date };

export const ANONYMOUS_NAME = "anonymous learner";

export function rankSmallest(runs: PassingRun[], names: Map<string, string | null>, limit = 50): LeaderboardEntry[] {
  const best = new Map<string, PassingRun>();
  for (const run of runs) {
    if (!names.has(run.learnerId)) continue; // not opted in
    const current = best.get(run.learnerId);
    if (!current || run.imageBytes < current.imageBytes || (run.imageBytes === current.imageBytes && run.at < current.at)) {
      best.set(run.learnerId, run);
    }
  }
  return [...best.values()]
    .sort((a, b) => a.imageBytes - b.imageBytes || a.at.getTime() - b.at.getTime() || a.learnerId.localeCompare(b.learnerId))
    .slice(0, limit)
    .map((run, i) => ({
      rank: i + 1,
      learnerId: run.learnerId,
      name: names.get(run.learnerId)?.trim() || ANONYMOUS_NAME,
      imageBytes: run.imageBytes,
      at: run.at,
    }));
}
