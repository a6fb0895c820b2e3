import { describe, expect, it } from "vitest";
import { createMemoryRunStore, withFinishRetry, type RunStore } from "./run-store";

/** The memory store behind a switch: while `down`, every call fails as a stopped database would. */
function switchable() {
  const inner = createMemoryRunStore();
  const state = { down: false };
  const gate = <A extends unknown[], R>(fn: (...a: A) => Promise<R>) =>
    (...a: A): Promise<R> => (state.down ? Promise.reject(new Error("connect ECONNREFUSED")) : fn(...a));
  const store: RunStore = {
    createSubmission: gate(inner.createSubmission),
    markRunning: gate(inner.markRunning),
    finish: gate(inner.finish),
    markInterrupted: gate(inner.markInterrupted),
    ping: async () => !state.down,
  };
  return { inner, state, store };
}

const submission = (id: string) => ({ id, learnerId: "l", exerciseId: "e", dockerfile: `FROM x # ${id}` });

describe("withFinishRetry", () => {
  it("holds results while the database is down and writes them, in order, when it answers", async () => {
    const { inner, state, store } = switchable();
    const logged: string[] = [];
    const resilient = withFinishRetry(store, { retryMs: 60_000, log: (m) => void logged.push(m) });
    await resilient.createSubmission(submission("a"));
    await resilient.createSubmission(submission("b"));

    state.down = true;
    await resilient.finish("a", { state: "passed", durationMs: 1 });
    await resilient.finish("b", { state: "failed", durationMs: 2 });
    expect(resilient.pendingFinishes()).toBe(2);
    expect(inner.rows.get("a")?.state).toBe("queued");
    // New work is refused while results are waiting and the database is still away.
    await expect(resilient.createSubmission(submission("c"))).rejects.toThrow(/ECONNREFUSED/);
    expect(await resilient.ping()).toBe(false);

    state.down = false;
    expect(await resilient.ping()).toBe(true);
    expect(resilient.pendingFinishes()).toBe(0);
    expect([inner.rows.get("a")?.state, inner.rows.get("b")?.state]).toEqual(["passed", "failed"]);
    expect(inner.rows.get("a")?.dockerfile).toBe("FROM x # a");
    expect(logged.filter((m) => m.startsWith("stored the result"))).toEqual([
      "stored the result of a, held while the database was unavailable",
      "stored the result of b, held while the database was unavailable",
    ]);
    await resilient.createSubmission(submission("c"));
    expect(inner.rows.get("c")?.state).toBe("queued");
  });

  it("flushes held results before the next submission once the database is back", async () => {
    const { inner, state, store } = switchable();
    const resilient = withFinishRetry(store, { retryMs: 60_000 });
    await resilient.createSubmission(submission("a"));
    state.down = true;
    await resilient.finish("a", { state: "passed", durationMs: 1 });
    state.down = false;
    await resilient.createSubmission(submission("b"));
    expect(inner.rows.get("a")?.state).toBe("passed");
    await resilient.close?.();
  });

  it("does the start-up work the database refused first, once it answers", async () => {
    const { inner, state, store } = switchable();
    const order: string[] = [];
    const resilient = withFinishRetry(store, {
      retryMs: 60_000,
      whenBack: async () => {
        await store.markInterrupted();
        order.push("marked");
      },
    });
    state.down = true;
    await expect(resilient.createSubmission(submission("a"))).rejects.toThrow(/ECONNREFUSED/);
    expect(order).toEqual([]);
    state.down = false;
    await resilient.createSubmission(submission("a"));
    expect(order).toEqual(["marked"]);
    expect(await resilient.ping()).toBe(true);
    expect(order).toEqual(["marked"]); // once
    expect(inner.rows.get("a")?.state).toBe("queued"); // created after the marking
  });
});
