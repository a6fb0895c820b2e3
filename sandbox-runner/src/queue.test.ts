import { describe, expect, it } from "vitest";
import { RunQueue, type DropReason, type QueueJob } from "./queue";

/** A job that runs until the test lets it finish, recording what the queue told it. */
function fakeJob() {
  const positions: number[] = [];
  const dropped: DropReason[] = [];
  let started = false;
  let signal: AbortSignal | null = null;
  let finish: () => void = () => undefined;
  const job: QueueJob = {
    run(s) {
      started = true;
      signal = s;
      return new Promise<void>((resolve) => {
        finish = resolve;
        s.addEventListener("abort", () => resolve());
      });
    },
    onPosition: (p) => positions.push(p),
    onDropped: (r) => dropped.push(r),
  };
  return {
    job,
    positions,
    dropped,
    get started() {
      return started;
    },
    get signal() {
      return signal;
    },
    finish: () => finish(),
  };
}

const tick = () => new Promise((r) => setTimeout(r, 0));

function submit(queue: RunQueue, runId: string, learnerId: string) {
  const fake = fakeJob();
  const reserved = queue.reserve(runId, learnerId);
  // Object.assign keeps the getters live (a spread would freeze them).
  const position = reserved.ok ? queue.enqueue(runId, fake.job) : -1;
  return Object.assign(fake, { reserved, position });
}

describe("RunQueue", () => {
  it("starts runs in arrival order, one per slot, and reports positions as they change", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    const a = submit(queue, "a", "la");
    const b = submit(queue, "b", "lb");
    const c = submit(queue, "c", "lc");
    expect([a.position, b.position, c.position]).toEqual([0, 1, 2]);
    await tick();
    expect([a.started, b.started, c.started]).toEqual([true, false, false]);
    expect(queue.stats()).toEqual({ running: 1, queued: 2, max: 5, slots: 1 });

    a.finish();
    await tick();
    expect(b.started).toBe(true);
    expect(b.positions).toEqual([0]);
    expect(c.positions).toEqual([1]);

    b.finish();
    await tick();
    expect(c.started).toBe(true);
    expect(c.positions).toEqual([1, 0]);
  });

  it("uses every build slot", async () => {
    const queue = new RunQueue({ slots: 2, maxQueued: 5 });
    const a = submit(queue, "a", "la");
    const b = submit(queue, "b", "lb");
    const c = submit(queue, "c", "lc");
    expect([a.position, b.position, c.position]).toEqual([0, 0, 1]);
    await tick();
    expect(queue.stats().running).toBe(2);
  });

  it("allows each learner one running and one waiting run; a third start is already_running", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    const a1 = submit(queue, "a1", "same");
    const a2 = submit(queue, "a2", "same");
    expect([a1.position, a2.position]).toEqual([0, 1]);
    expect(queue.reserve("a3", "same")).toEqual({ ok: false, code: "already_running" });
    // A reservation alone already counts: a start racing another's database write loses.
    expect(queue.reserve("b1", "other")).toEqual({ ok: true });
    expect(queue.reserve("b2", "other")).toEqual({ ok: true });
    expect(queue.reserve("b3", "other")).toEqual({ ok: false, code: "already_running" });
    queue.release("b2");
    expect(queue.reserve("b3", "other")).toEqual({ ok: true });
    // Once the first run ends the learner may queue another.
    await tick();
    a1.finish();
    await tick();
    expect(a2.started).toBe(true);
    expect(queue.reserve("a3", "same")).toEqual({ ok: true });
  });

  it("honours other per-learner limits", () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5, perLearner: { running: 1, queued: 0 } });
    submit(queue, "a1", "same");
    expect(queue.reserve("a2", "same")).toEqual({ ok: false, code: "already_running" });
  });

  it("refuses a run id that is already in the queue, whoever holds it", () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    submit(queue, "a", "la");
    expect(queue.reserve("a", "la")).toEqual({ ok: false, code: "run_id_in_use" });
    expect(queue.reserve("a", "lb")).toEqual({ ok: false, code: "run_id_in_use" });
  });

  it("never runs two of one learner's runs at once: the next learner in line takes the free slot", async () => {
    const queue = new RunQueue({ slots: 2, maxQueued: 5 });
    const a1 = submit(queue, "a1", "la");
    const a2 = submit(queue, "a2", "la");
    const b1 = submit(queue, "b1", "lb");
    expect([a1.position, a2.position, b1.position]).toEqual([0, 1, 0]);
    await tick();
    expect([a1.started, a2.started, b1.started]).toEqual([true, false, true]);
    expect(a2.positions).toEqual([]); // still first in line: nothing changed for it
    b1.finish();
    await tick();
    expect(a2.started).toBe(false); // a free slot, but a1 is still building
    a1.finish();
    await tick();
    expect(a2.started).toBe(true);
    expect(a2.positions).toEqual([0]);
  });

  it("starts runs first come, first served across learners, and each waiting run's position counts down", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 10 });
    const learners = ["l3", "l1", "l4", "l1", "l5", "l9", "l2", "l6"];
    const runs = learners.map((learner, i) => submit(queue, `r${i}`, learner));
    expect(runs.map((r) => r.position)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    const order: number[] = [];
    for (let step = 0; step < runs.length; step += 1) {
      await tick();
      const running = runs.findIndex((r, i) => r.started && !order.includes(i));
      order.push(running);
      runs[running]!.finish();
    }
    expect(order).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    runs.forEach((r, i) => {
      // Told only of changes, one step at a time, ending with 0 when it started.
      expect(r.positions).toEqual(Array.from({ length: i }, (_, k) => i - 1 - k));
    });
    await tick();
    expect(queue.footprint()).toEqual({ runs: 0, waiting: 0, running: 0, learners: 0 });
  });

  it("frees the learner's place when the run ends", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    const a = submit(queue, "a", "same");
    await tick();
    a.finish();
    await tick();
    expect(queue.reserve("b", "same")).toEqual({ ok: true });
  });

  it("answers busy once maxQueued runs wait", () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 2 });
    submit(queue, "a", "l1"); // running
    submit(queue, "b", "l2"); // waiting 1
    submit(queue, "c", "l3"); // waiting 2
    expect(queue.reserve("d", "l4")).toEqual({ ok: false, code: "busy" });
    expect(queue.stats()).toMatchObject({ running: 1, queued: 2 });
  });

  it("counts reservations towards the limit and gives them back on release", () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 1 });
    expect(queue.reserve("a", "l1").ok).toBe(true); // will take the free slot
    expect(queue.reserve("b", "l2").ok).toBe(true); // will wait
    expect(queue.reserve("c", "l3")).toEqual({ ok: false, code: "busy" });
    queue.release("b");
    expect(queue.reserve("c", "l3").ok).toBe(true);
    expect(queue.reserve("d", "l2")).toEqual({ ok: false, code: "busy" });
  });

  it("cancelling a waiting run removes it and moves only the ones behind it up", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    const a = submit(queue, "a", "la");
    const b = submit(queue, "b", "lb");
    const c = submit(queue, "c", "lc");
    const d = submit(queue, "d", "ld");
    expect(queue.cancel("c")).toBe("dequeued");
    expect(c.dropped).toEqual(["cancelled"]);
    expect(d.positions).toEqual([2]);
    expect(b.positions).toEqual([]); // ahead of the cancelled run: unchanged, not told again
    expect(a.positions).toEqual([]);
    expect(queue.stats()).toMatchObject({ running: 1, queued: 2 });
    expect(queue.cancel("b")).toBe("dequeued");
    expect(d.positions).toEqual([2, 1]);
    await tick();
    a.finish();
    await tick();
    expect([b.started, c.started, d.started]).toEqual([false, false, true]);
    expect(d.positions).toEqual([2, 1, 0]);
    expect(queue.reserve("c2", "lc").ok).toBe(true);
    expect(queue.cancel("c")).toBe("unknown");
  });

  it("cancelling a running run aborts its signal and frees the slot", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    const a = submit(queue, "a", "la");
    const b = submit(queue, "b", "lb");
    await tick();
    expect(queue.cancel("a")).toBe("aborted");
    expect(a.signal?.aborted).toBe(true);
    expect(a.signal?.reason).toBe("cancelled");
    await tick();
    expect(b.started).toBe(true);
    expect(queue.cancel("nope")).toBe("unknown");
  });

  it("on close drops waiting runs, aborts running ones with 'shutdown' and refuses new ones", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    const a = submit(queue, "a", "la");
    const b = submit(queue, "b", "lb");
    await tick();
    await queue.close(1_000);
    expect(a.signal?.reason).toBe("shutdown");
    expect(b.dropped).toEqual(["shutdown"]);
    expect(b.started).toBe(false);
    expect(queue.reserve("c", "lc")).toEqual({ ok: false, code: "busy" });
    expect(queue.stats()).toMatchObject({ running: 0, queued: 0 });
  });

  it("under a random mix of starts, cancels and finishes: bounded, per-learner limits held, first come first served", async () => {
    const slots = 2;
    const maxQueued = 6;
    const queue = new RunQueue({ slots, maxQueued });
    let seed = 42; // a fixed LCG seed: the same sequence every run
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const flush = () => new Promise((r) => setImmediate(r));
    type Run = ReturnType<typeof submit> & { runId: string; learner: string; waitingSince: number };
    const live = new Map<string, Run>(); // enqueued and not ended, in arrival order
    let busy = 0;
    let starts = 0;
    for (let step = 0; step < 1_500; step += 1) {
      const roll = random();
      if (roll < 0.5) {
        const learner = `l${Math.floor(random() * 8)}`;
        const held = [...live.values()].filter((r) => r.learner === learner).length;
        const run: Run = Object.assign(submit(queue, `r${step}`, learner), { runId: `r${step}`, learner, waitingSince: step });
        if (run.reserved.ok) live.set(run.runId, run);
        else if (run.reserved.code === "busy") busy += 1;
        expect({ held, answer: run.reserved }).toEqual(
          held >= 2 ? { held, answer: { ok: false, code: "already_running" } } : { held, answer: expect.anything() },
        );
        if (!run.reserved.ok && run.reserved.code === "busy") expect(queue.footprint().runs).toBe(slots + maxQueued);
      } else if (roll < 0.65 && live.size > 0) {
        queue.cancel([...live.keys()][Math.floor(random() * live.size)]!);
      } else {
        const running = [...live.values()].filter((r) => r.started);
        running[Math.floor(random() * running.length)]?.finish();
      }
      const waitingBefore = [...live.values()].filter((r) => !r.started);
      await flush();
      for (const run of [...live.values()]) {
        if (run.dropped.length > 0 || run.signal?.aborted || (run.started && !queue.owns(run.runId, run.learner))) live.delete(run.runId);
      }
      const runningLearners = [...live.values()].filter((r) => r.started).map((r) => r.learner);
      for (const [index, run] of waitingBefore.entries()) {
        if (!run.started) continue;
        starts += 1;
        // Everyone who was waiting ahead of it and still waits belongs to a learner who is building.
        for (const earlier of waitingBefore.slice(0, index).filter((r) => !r.started && live.has(r.runId))) {
          expect(runningLearners).toContain(earlier.learner);
        }
      }
      const footprint = queue.footprint();
      expect(footprint.runs).toBeLessThanOrEqual(slots + maxQueued);
      expect(footprint.running).toBeLessThanOrEqual(slots);
      expect(new Set(runningLearners).size).toBe(runningLearners.length); // one running per learner
      for (const run of live.values()) expect(run.positions).toEqual([...new Set(run.positions)].sort((x, y) => y - x));
    }
    expect(busy).toBeGreaterThan(10);
    expect(starts).toBeGreaterThan(100);
    for (const runId of live.keys()) queue.cancel(runId);
    await flush();
    expect(queue.footprint()).toEqual({ runs: 0, waiting: 0, running: 0, learners: 0 });
  });

  it("keeps going when a job throws", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    queue.reserve("a", "la");
    queue.enqueue("a", { run: async () => Promise.reject(new Error("boom")), onPosition() {}, onDropped() {} });
    const b = submit(queue, "b", "lb");
    await tick();
    await tick();
    expect(b.started).toBe(true);
  });
});
