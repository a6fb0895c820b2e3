import type { Db } from "./client";

/** A Prisma client or the client inside an interactive transaction. */
export type Tx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

/**
 * Counts a graded run and, when it passed, records the first pass and the smallest image.
 * Each step is a single conditional statement, so two finishes racing on PostgreSQL cannot
 * lose an attempt or keep the larger image.
 */
export async function recordGradedRun(
  tx: Tx,
  run: { learnerId: string; exerciseId: string; passed: boolean; at: Date; imageBytes?: number },
): Promise<void> {
  const key = { learnerId: run.learnerId, exerciseId: run.exerciseId };
  await tx.progress.upsert({
    where: { learnerId_exerciseId: key },
    create: { ...key, attempts: 1 },
    update: { attempts: { increment: 1 } },
  });
  if (!run.passed) return;
  await tx.progress.updateMany({ where: { ...key, passedAt: null }, data: { passedAt: run.at } });
  if (run.imageBytes !== undefined) {
    const size = BigInt(run.imageBytes);
    await tx.progress.updateMany({
      where: { ...key, OR: [{ bestImageBytes: null }, { bestImageBytes: { gt: size } }] },
      data: { bestImageBytes: size },
    });
  }
}

export type ExerciseProgress = { exerciseId: string; passedAt: Date; bestImageBytes: number | null; attempts: number };

/** The exercises a learner has passed. */
export async function getProgress(db: Db, learnerId: string): Promise<ExerciseProgress[]> {
  const rows = await db.progress.findMany({
    where: { learnerId, passedAt: { not: null } },
    orderBy: { passedAt: "asc" },
  });
  return rows.map((r) => ({
    exerciseId: r.exerciseId,
    passedAt: r.passedAt ?? new Date(0), // filtered above; keeps the type honest without `!`
    // Image sizes are far below 2^53, so a JS number holds them exactly.
    bestImageBytes: r.bestImageBytes === null ? null : Number(r.bestImageBytes),
    attempts: r.attempts,
  }));
}
