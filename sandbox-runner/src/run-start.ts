/**
 * A learner's `start` frame, from the request to a queued run: the exercise is loaded, the queue
 * reserves a place (one running and one waiting run per learner), the Submission row is written,
 * and only then is the run enqueued. Whatever ends the run, its row gets a terminal state.
 */
import type { ClientMessage, ErrorCode, ServerMessage } from "../../lib/protocol";
import type { ReserveResult, RunQueue } from "./queue";
import type { RunOutcome, RunRequest } from "./run-pipeline";
import type { RunnerServerOptions } from "./server";

/** What starting a run needs from the server; shared by every connection. */
export type RunStartDeps = Pick<RunnerServerOptions, "loadExercise" | "store" | "execute"> & {
  queue: RunQueue;
  log(message: string, err?: unknown): void;
  /** Registers a store write that shutdown must wait for. */
  track<T>(p: Promise<T>): Promise<T>;
  /** True once shutdown has begun. */
  closing(): boolean;
};

/** The connection a run is started from. */
export type RunConnection = {
  learnerId: string;
  /** False once the page went away. */
  isOpen(): boolean;
  send(message: ServerMessage): void;
  sendError(runId: string | null, code: ErrorCode, message: string): void;
  /** Runs started here and not finished yet; closing the connection cancels them. */
  runs: Set<string>;
  /** Records that a run of this connection is over. */
  done(runId: string): void;
};

/** What a learner is told when the queue refuses a run. */
const RESERVE_REFUSALS: Record<Exclude<ReserveResult, { ok: true }>["code"], [ErrorCode, string]> = {
  busy: ["busy", "The sandbox queue is full right now; try again in a minute."],
  already_running: [
    "already_running",
    "You already have two runs in the sandbox (one building and one waiting is the most per learner); wait for one to finish or cancel it.",
  ],
  run_id_in_use: ["invalid_message", "This run id was used before; start a new run."],
};
/** Why a run is refused while the database does not answer (`database_unavailable`). */
export const DATABASE_UNAVAILABLE_MESSAGE =
  "Progress can't be saved right now (the course database is not answering), so the run was not started. " +
  "Your Dockerfile is still in the editor; try again in a minute.";

export async function startRun(
  message: Extract<ClientMessage, { type: "start" }>,
  conn: RunConnection,
  deps: RunStartDeps,
): Promise<void> {
  const { runId, exerciseId, files } = message;
  const { learnerId, sendError } = conn;
  const { queue, store, log } = deps;
  if (deps.closing()) return sendError(runId, "busy", "The runner is restarting; try again in a moment.");
  const exercise = await deps.loadExercise(exerciseId);
  if (!exercise) return sendError(runId, "unknown_exercise", `There is no exercise "${exerciseId}".`);
  if (!conn.isOpen()) return; // the page went away while the course loaded
  const reserved = queue.reserve(runId, learnerId);
  if (!reserved.ok) return sendError(runId, ...RESERVE_REFUSALS[reserved.code]);
  try {
    await store.createSubmission({ id: runId, learnerId, exerciseId, dockerfile: files.Dockerfile });
  } catch (err) {
    queue.release(runId);
    if ((err as { code?: string }).code === "P2002") return sendError(runId, ...RESERVE_REFUSALS.run_id_in_use);
    log(`could not record submission ${runId}`, err);
    return sendError(runId, "database_unavailable", DATABASE_UNAVAILABLE_MESSAGE);
  }
  const acceptedAt = Date.now();
  if (!conn.isOpen()) {
    // Closed while the row was written: its close handler has run, so end the run here.
    queue.release(runId);
    deps.track(store.finish(runId, { state: "cancelled", durationMs: 0 }).catch((err: unknown) => log(`finish ${runId}`, err)));
    return;
  }
  conn.runs.add(runId);
  const position = queue.enqueue(runId, {
    onPosition: (p) => conn.send({ type: "queue", runId, position: p }),
    onDropped: (reason) => {
      const state = reason === "shutdown" ? "interrupted" : "cancelled";
      const durationMs = Date.now() - acceptedAt;
      deps.track(store.finish(runId, { state, durationMs }).catch((err: unknown) => log(`finish ${runId}`, err)));
      conn.send({ type: "finished", runId, state, durationMs });
      conn.done(runId);
    },
    run: (signal) => deps.track(runAndRecord({ runId, learnerId, exercise, dockerfile: files.Dockerfile, signal }, acceptedAt, conn, deps)),
  });
  conn.send({ type: "accepted", runId, position });
}

/** Runs it when the queue says so, and writes how it ended; a run that throws ends as `internal`. */
async function runAndRecord(
  req: Omit<RunRequest, "emit">,
  acceptedAt: number,
  conn: RunConnection,
  deps: RunStartDeps,
): Promise<void> {
  const { runId } = req;
  const { store, log } = deps;
  const send = conn.send;
  await store.markRunning(runId).catch((err: unknown) => log(`markRunning ${runId}`, err));
  // "finished" is held back until the result is stored: the page refreshes its server-rendered
  // "Done" marks when it arrives, and must read the stored pass, not the row before it.
  let finished: ServerMessage | null = null;
  const emit = (m: ServerMessage) => {
    if (m.type === "finished") finished = m;
    else send(m);
  };
  const outcome = await deps.execute({ ...req, emit }).catch((err: unknown): RunOutcome => {
    log(`run ${runId} threw`, err);
    const durationMs = Date.now() - acceptedAt;
    send({ type: "error", runId, code: "internal", message: "The run failed inside the runner." });
    finished = { type: "finished", runId, state: "error", durationMs };
    return { state: "error", errorCode: "internal", durationMs, log: "" };
  });
  const { problems: _problems, imageTag: _imageTag, ...record } = outcome;
  await store.finish(runId, record).catch((err: unknown) => log(`finish ${runId}`, err));
  if (finished) send(finished);
  conn.done(runId);
}
