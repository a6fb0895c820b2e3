/**
 * Where runs are recorded. The server writes a Submission before a run is accepted and always
 * finishes it in a terminal state; at start-up it marks runs a previous process left unfinished.
 *
 * An interface so the server's tests and the verifier can run without a database; the real one
 * (`createDbRunStore`) calls `db/index.ts`, imported lazily so nothing loads Prisma unless asked.
 */
import type { CheckResult } from "../../lib/checks";
import type { RunState } from "../../lib/protocol";
import type { ImageReport } from "../../lib/report";

export type SubmissionInput = { id: string; learnerId: string; exerciseId: string; dockerfile: string };
export type FinishInput = {
  state: RunState;
  durationMs: number;
  buildMs?: number;
  errorCode?: string;
  errorMessage?: string;
  report?: ImageReport;
  checks?: CheckResult[];
  log?: string;
};

export interface RunStore {
  /** Writes the Submission in state "queued" (creating the learner row when needed). */
  createSubmission(s: SubmissionInput): Promise<void>;
  markRunning(id: string): Promise<void>;
  finish(id: string, f: FinishInput): Promise<void>;
  /** Non-terminal Submissions → "interrupted"; returns how many. */
  markInterrupted(): Promise<number>;
  /** True when the database answers; never throws. */
  ping(): Promise<boolean>;
  close?(): Promise<void>;
}

/**
 * @param databaseUrl the parsed `DATABASE_URL`; db/ reads `process.env.DATABASE_URL` itself, so
 * it is set there before the first query (the runner's env is the source of truth).
 */
export async function createDbRunStore(databaseUrl?: string): Promise<RunStore> {
  if (databaseUrl !== undefined) process.env.DATABASE_URL = databaseUrl;
  const db = await import("../../db/index");
  return {
    // db/ creates the learner row with the submission (connectOrCreate): one write, no race.
    createSubmission: (s) => db.createSubmission(s),
    markRunning: (id) => db.markSubmissionRunning(id),
    async finish(id, f) {
      await db.finishSubmission(id, f); // false = already terminal: a repeated finish is harmless
    },
    markInterrupted: () => db.markInterruptedSubmissions(),
    async ping() {
      try {
        await db.getDb().$queryRawUnsafe("SELECT 1");
        return true;
      } catch {
        return false;
      }
    },
    async close() {
      await db.getDb().$disconnect();
    },
  };
}

/** A store that keeps Submissions in memory: for tests and `lessons:verify` (no database). */
export function createMemoryRunStore() {
  const rows = new Map<string, SubmissionInput & { state: string; finished?: FinishInput }>();
  const store: RunStore & { rows: typeof rows } = {
    rows,
    async createSubmission(s) {
      if (rows.has(s.id)) throw new Error(`submission ${s.id} exists`);
      rows.set(s.id, { ...s, state: "queued" });
    },
    async markRunning(id) {
      const row = rows.get(id);
      if (row) row.state = "running";
    },
    async finish(id, f) {
      const row = rows.get(id);
      if (row) Object.assign(row, { state: f.state, finished: f });
    },
    async markInterrupted() {
      let n = 0;
      for (const row of rows.values()) {
        if (row.state === "queued" || row.state === "running") {
          row.state = "interrupted";
          n += 1;
        }
      }
      return n;
    },
    ping: async () => true,
  };
  return store;
}
