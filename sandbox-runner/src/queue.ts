/**
 * The build queue: a FIFO in front of a fixed number of build slots.
 *
 * One slot per engine by default, because the build cgroup caps (DESIGN.md §3) are shared by every
 * concurrent build: one slot makes them per-build caps. Memory stays bounded: at most
 * `slots + maxQueued` runs are known at any time, and each learner holds at most one of them.
 *
 * A run first *reserves* its place synchronously (so two `start` frames racing through an `await`
 * cannot both get in), then is *enqueued* once its Submission row exists, or *released* if that
 * failed.
 */

export type QueueJob = {
  /** Runs the build; the signal aborts when the run is cancelled or the runner shuts down. */
  run(signal: AbortSignal): Promise<void>;
  /** Called whenever the run's position changes while it waits (1 = next to start). */
  onPosition(position: number): void;
  /** Called instead of `run` when the run leaves the queue before starting. */
  onDropped(reason: DropReason): void;
};

export type DropReason = "cancelled" | "shutdown";
export type ReserveResult = { ok: true } | { ok: false; code: "already_running" | "busy" };
export type CancelResult = "dequeued" | "aborted" | "unknown";
export type QueueStats = { running: number; queued: number; max: number; slots: number };

type Entry = {
  runId: string;
  learnerId: string;
  job: QueueJob | null; // null while only reserved
  controller: AbortController | null; // set once running
  done: Promise<void> | null;
};

export class RunQueue {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: Entry[] = [];
  private readonly learners = new Set<string>();
  private closed = false;

  constructor(private readonly opts: { slots: number; maxQueued: number }) {}

  /** Claims the learner's one place and a queue place before anything asynchronous happens. */
  reserve(runId: string, learnerId: string): ReserveResult {
    if (this.learners.has(learnerId) || this.entries.has(runId)) return { ok: false, code: "already_running" };
    const notRunning = [...this.entries.values()].filter((e) => !e.controller).length;
    const freeSlots = this.opts.slots - this.runningCount();
    if (this.closed || notRunning - freeSlots >= this.opts.maxQueued) return { ok: false, code: "busy" };
    this.entries.set(runId, { runId, learnerId, job: null, controller: null, done: null });
    this.learners.add(learnerId);
    return { ok: true };
  }

  /** Gives up a reservation that never became a run (e.g. the database refused the Submission). */
  release(runId: string): void {
    const entry = this.entries.get(runId);
    if (entry && !entry.job) this.forget(entry);
  }

  /**
   * Turns a reservation into a waiting run and returns its position: 0 when it starts at once,
   * N when N runs must leave the queue before it starts.
   */
  enqueue(runId: string, job: QueueJob): number {
    const entry = this.entries.get(runId);
    if (!entry || entry.job) throw new Error(`run ${runId} was not reserved`);
    entry.job = job;
    this.waiting.push(entry);
    this.pump(new Set([entry]));
    return this.waiting.indexOf(entry) + 1; // -1 + 1 = 0 when it started at once
  }

  /** Cancels a run: a waiting run leaves the queue, a running one is aborted. */
  cancel(runId: string, reason: DropReason = "cancelled"): CancelResult {
    const entry = this.entries.get(runId);
    if (!entry?.job) return "unknown";
    if (entry.controller) {
      entry.controller.abort(reason);
      return "aborted";
    }
    const index = this.waiting.indexOf(entry);
    this.waiting.splice(index, 1);
    this.forget(entry);
    entry.job.onDropped(reason);
    this.announcePositions(index);
    return "dequeued";
  }

  /** Whether the run is known (reserved, waiting or running) and belongs to this learner. */
  owns(runId: string, learnerId: string): boolean {
    return this.entries.get(runId)?.learnerId === learnerId;
  }

  stats(): QueueStats {
    return {
      running: this.runningCount(),
      queued: this.entries.size - this.runningCount(),
      max: this.opts.maxQueued,
      slots: this.opts.slots,
    };
  }

  /**
   * Refuses new runs, drops waiting ones, aborts running ones with reason "shutdown" and resolves
   * once every running job has returned (or after `graceMs`).
   */
  async close(graceMs = 10_000): Promise<void> {
    this.closed = true;
    for (const entry of [...this.waiting]) this.cancel(entry.runId, "shutdown");
    const running = [...this.entries.values()].filter((e) => e.controller);
    for (const entry of running) entry.controller?.abort("shutdown");
    const all = Promise.allSettled(running.map((e) => e.done));
    await Promise.race([all, new Promise((r) => setTimeout(r, graceMs).unref())]);
  }

  private runningCount(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.controller) n += 1;
    return n;
  }

  /** Starts waiting runs while slots are free; then tells the rest where they stand. */
  private pump(silent = new Set<Entry>()): void {
    let started = 0;
    while (this.waiting.length > 0 && this.runningCount() < this.opts.slots) {
      const entry = this.waiting.shift()!;
      started += 1;
      this.start(entry);
      if (!silent.has(entry)) entry.job?.onPosition(0);
    }
    if (started > 0) this.announcePositions(0, silent);
  }

  private start(entry: Entry): void {
    const controller = new AbortController();
    entry.controller = controller;
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

  private announcePositions(fromIndex: number, silent = new Set<Entry>()): void {
    this.waiting.forEach((entry, index) => {
      if (index >= fromIndex && !silent.has(entry)) entry.job?.onPosition(index + 1);
    });
  }

  private forget(entry: Entry): void {
    this.entries.delete(entry.runId);
    this.learners.delete(entry.learnerId);
  }
}
