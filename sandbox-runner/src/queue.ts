/**
 * The build queue: first come, first served, in front of a fixed number of build slots.
 *
 * One slot per engine by default, because the build cgroup caps (DESIGN.md §3) are shared by every
 * concurrent build: one slot makes them per-build caps. Memory stays bounded: at most
 * `slots + maxQueued` runs are known at any time, and each learner holds at most
 * `perLearner.running + perLearner.queued` of them (SANDBOX_LIMITS.queue).
 *
 * A run first *reserves* its place synchronously (so two `start` frames racing through an `await`
 * cannot both take the learner's last place), then is *enqueued* once its Submission row exists,
 * or *released* if that failed. Runs start in the order they were enqueued; a waiting run whose
 * learner already has `perLearner.running` runs building is passed over (it keeps its place) until
 * one of them ends, so a learner's second run never takes a second slot.
 */
import { SANDBOX_LIMITS } from "./limits";

export type QueueJob = {
  /** Runs the build; the signal aborts when the run is cancelled or the runner shuts down. */
  run(signal: AbortSignal): Promise<void>;
  /** Called whenever the run's position changes while it waits (1 = next to start, 0 = started). */
  onPosition(position: number): void;
  /** Called instead of `run` when the run leaves the queue before starting. */
  onDropped(reason: DropReason): void;
};

export type DropReason = "cancelled" | "shutdown";
export type ReserveResult = { ok: true } | { ok: false; code: "already_running" | "busy" | "run_id_in_use" };
export type CancelResult = "dequeued" | "aborted" | "unknown";
export type QueueStats = { running: number; queued: number; max: number; slots: number };
/** How many things the queue holds on to; all zero when it is idle (no run leaks memory). */
export type QueueFootprint = { runs: number; waiting: number; running: number; learners: number };

export type QueueOptions = {
  slots: number;
  maxQueued: number;
  /** @default SANDBOX_LIMITS.queue.perLearner */
  perLearner?: { running: number; queued: number };
};

type Entry = {
  runId: string;
  learnerId: string;
  job: QueueJob | null; // null while only reserved
  controller: AbortController | null; // set once running
  done: Promise<void> | null;
  /** The position last told to the job, so it hears only of changes. */
  told: number;
};

export class RunQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private readonly running = new Set<Entry>();
  /** Runs each learner holds (reserved, waiting or running). */
  private readonly held = new Map<string, number>();
  private readonly perLearner: { running: number; queued: number };
  private closed = false;

  constructor(private readonly opts: QueueOptions) {
    this.perLearner = opts.perLearner ?? SANDBOX_LIMITS.queue.perLearner;
  }

  /** Claims one of the learner's places and a queue place before anything asynchronous happens. */
  reserve(runId: string, learnerId: string): ReserveResult {
    if (this.entries.has(runId)) return { ok: false, code: "run_id_in_use" };
    if (this.heldBy(learnerId) >= this.perLearner.running + this.perLearner.queued) return { ok: false, code: "already_running" };
    const notRunning = this.entries.size - this.running.size;
    const freeSlots = this.opts.slots - this.running.size;
    if (this.closed || notRunning - freeSlots >= this.opts.maxQueued) return { ok: false, code: "busy" };
    this.entries.set(runId, { runId, learnerId, job: null, controller: null, done: null, told: -1 });
    this.held.set(learnerId, this.heldBy(learnerId) + 1);
    return { ok: true };
  }

  /** Gives up a reservation that never became a run (e.g. the database refused the Submission). */
  release(runId: string): void {
    const entry = this.entries.get(runId);
    if (entry && !entry.job) this.forget(entry);
  }

  /**
   * Turns a reservation into a waiting run and returns its position: 0 when it starts at once,
   * N when it is N-th in line (N runs must leave the line before it starts).
   */
  enqueue(runId: string, job: QueueJob): number {
    const entry = this.entries.get(runId);
    if (!entry || entry.job) throw new Error(`run ${runId} was not reserved`);
    entry.job = job;
    this.waiting.push(entry);
    this.pump(entry); // the caller tells this run its position (`accepted`)
    return entry.told;
  }

  /** Cancels a run: a waiting run leaves the queue (the ones behind move up), a running one is aborted. */
  cancel(runId: string, reason: DropReason = "cancelled"): CancelResult {
    const entry = this.entries.get(runId);
    if (!entry?.job) return "unknown";
    if (entry.controller) {
      entry.controller.abort(reason);
      return "aborted";
    }
    this.waiting.splice(this.waiting.indexOf(entry), 1);
    this.forget(entry);
    entry.job.onDropped(reason);
    if (!this.closed) this.pump();
    return "dequeued";
  }

  /** Whether the run is known (reserved, waiting or running) and belongs to this learner. */
  owns(runId: string, learnerId: string): boolean {
    return this.entries.get(runId)?.learnerId === learnerId;
  }

  stats(): QueueStats {
    return {
      running: this.running.size,
      queued: this.entries.size - this.running.size,
      max: this.opts.maxQueued,
      slots: this.opts.slots,
    };
  }

  footprint(): QueueFootprint {
    return { runs: this.entries.size, waiting: this.waiting.length, running: this.running.size, learners: this.held.size };
  }

  /**
   * Refuses new runs, drops waiting ones, aborts running ones with reason "shutdown" and resolves
   * once every running job has returned (or after `graceMs`).
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    for (const entry of [...this.waiting]) this.cancel(entry.runId, "shutdown");
    const running = [...this.running];
    for (const entry of running) entry.controller?.abort("shutdown");
    const all = Promise.allSettled(running.map((e) => e.done));
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private heldBy(learnerId: string): number {
    return this.held.get(learnerId) ?? 0;
  }

  private runningFor(learnerId: string): number {
    let n = 0;
    for (const e of this.running) if (e.learnerId === learnerId) n += 1;
    return n;
  }

  /**
   * Starts waiting runs in arrival order while slots are free; then tells every run whose position
   * changed where it stands, except `quiet` (its position is only recorded).
   */
  private pump(quiet?: Entry): void {
    for (let i = 0; i < this.waiting.length && this.running.size < this.opts.slots; ) {
      const entry = this.waiting[i]!;
      if (this.runningFor(entry.learnerId) >= this.perLearner.running) {
        i += 1; // this learner's earlier run is still building: the next learner goes first
        continue;
      }
      this.waiting.splice(i, 1);
      this.start(entry);
    }
    this.announcePositions(quiet);
  }

  private start(entry: Entry): void {
    const controller = new AbortController();
    entry.controller = controller;
    this.running.add(entry);
    const job = entry.job!;
    entry.done = (async () => {
      try {
        // Let the caller of `enqueue` send "accepted" before the run's first event.
        await Promise.resolve();
        await job.run(controller.signal);
      } catch {
        // A job reports its own failures; the queue only guarantees the slot comes back.
      } finally {
        this.forget(entry);
        if (!this.closed) this.pump();
      }
    })();
  }

  /** 0 once started, its place in line while waiting. */
  private announcePositions(quiet?: Entry): void {
    const tell = (entry: Entry, position: number) => {
      if (entry.told === position) return;
      entry.told = position;
      if (entry !== quiet) entry.job?.onPosition(position);
    };
    for (const entry of this.running) tell(entry, 0);
    this.waiting.forEach((entry, index) => tell(entry, index + 1));
  }

  private forget(entry: Entry): void {
    this.entries.delete(entry.runId);
    this.running.delete(entry);
    const held = this.heldBy(entry.learnerId) - 1;
    if (held > 0) this.held.set(entry.learnerId, held);
    else this.held.delete(entry.learnerId);
  }
}
