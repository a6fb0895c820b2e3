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
  /** Non-terminal Submissions (created before `createdBefore`, when given) → "interrupted"; returns how many. */
  markInterrupted(createdBefore?: Date): Promise<number>;
  /** When the oldest non-terminal Submission was created, or null (for the start-up sweep). */
  oldestUnfinished?(): Promise<Date | null>;
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
    markInterrupted: (createdBefore) => db.markInterruptedSubmissions(createdBefore),
    oldestUnfinished: () => db.oldestUnfinishedSubmission(),
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
      let n = 0; // no creation times kept: every unfinished row
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

/**
 * A store that survives the database going away. Writes that end a run (`finish`) are kept in
 * memory when they fail and written again, in order, as soon as the database answers: before the
 * next Submission is created, on every `ping` (the health check), and every `retryMs` meanwhile.
 * The learner's Dockerfile was stored when the run was accepted, so a run that ends while the
 * database is down loses nothing but the wait; if the runner itself dies first, its next start-up
 * marks that Submission interrupted. New runs are still refused while the database is down:
 * `createSubmission` throws and the server answers `database_unavailable`.
 */
export function withFinishRetry(
  store: RunStore,
  opts: {
    retryMs?: number;
    log?(message: string, err?: unknown): void;
    /**
     * Start-up work the database refused (marking a crashed process's runs interrupted): done
     * first whenever the database answers again, before any held result or new Submission.
     */
    whenBack?: () => Promise<void>;
  } = {},
): RunStore & { pendingFinishes(): number } {
  const pending: { id: string; f: FinishInput }[] = [];
  let whenBack = opts.whenBack;
  let flushing: Promise<void> | null = null;
  let timer: NodeJS.Timeout | null = null;

  const flush = (): Promise<void> =>
    (flushing ??= (async () => {
      try {
        if (whenBack) {
          await whenBack();
          whenBack = undefined;
        }
        while (pending.length > 0) {
          const next = pending[0]!;
          await store.finish(next.id, next.f);
          pending.shift();
          opts.log?.(`stored the result of ${next.id}, held while the database was unavailable`);
        }
      } finally {
        flushing = null;
        if (pending.length === 0 && timer) {
          clearInterval(timer);
          timer = null;
        }
      }
    })());

  const hold = (id: string, f: FinishInput) => {
    pending.push({ id, f });
    timer ??= setInterval(() => void flush().catch(() => undefined), opts.retryMs ?? 5_000);
    timer.unref();
  };

  return {
    ...store,
    async createSubmission(s) {
      if (pending.length > 0 || whenBack) await flush(); // still down: throws, and the run is refused
      await store.createSubmission(s);
    },
    async finish(id, f) {
      if (pending.length > 0) return hold(id, f); // keep the order: a finish never overtakes another
      try {
        await store.finish(id, f);
      } catch (err) {
        opts.log?.(`could not store the result of ${id}; retrying until the database answers`, err);
        hold(id, f);
      }
    },
    async ping() {
      const up = await store.ping();
      if (up && (pending.length > 0 || whenBack)) await flush().catch(() => undefined);
      return up;
    },
    pendingFinishes: () => pending.length,
    async close() {
      if (timer) clearInterval(timer);
      await flush().catch(() => undefined);
      await store.close?.();
    },
  };
}
