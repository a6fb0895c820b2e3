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

  it("allows one running-or-queued run per learner", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    submit(queue, "a", "same");
    expect(queue.reserve("b", "same")).toEqual({ ok: false, code: "already_running" });
    // A reservation alone already counts: a second start racing the first's database write loses.
    expect(queue.reserve("c", "other")).toEqual({ ok: true });
    expect(queue.reserve("d", "other")).toEqual({ ok: false, code: "already_running" });
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

  it("cancelling a waiting run removes it and moves the ones behind it up", async () => {
    const queue = new RunQueue({ slots: 1, maxQueued: 5 });
    const a = submit(queue, "a", "la");
    const b = submit(queue, "b", "lb");
    const c = submit(queue, "c", "lc");
    expect(queue.cancel("b")).toBe("dequeued");
    expect(b.dropped).toEqual(["cancelled"]);
    expect(c.positions).toEqual([1]);
    expect(a.positions).toEqual([]);
    await tick();
    a.finish();
    await tick();
    expect(b.started).toBe(false);
    expect(c.started).toBe(true);
    expect(queue.reserve("b2", "lb").ok).toBe(true);
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
