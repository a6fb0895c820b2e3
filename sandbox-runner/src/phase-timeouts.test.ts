import { describe, expect, it } from "vitest";

import { bounded, EngineTimeoutError } from "./phase-timeouts";

describe("bounded", () => {
  it("returns the work's value, or an EngineTimeoutError naming the phase", async () => {
    expect(await bounded("x", async () => 7, { ms: 100 })).toBe(7);
    await expect(bounded("reading", () => new Promise(() => undefined), { ms: 10 })).rejects.toBeInstanceOf(EngineTimeoutError);
  });

  it("rejects at once when the stop signal is already aborted, and passes the abort on", async () => {
    const stop = AbortSignal.abort("cancelled");
    let seen: AbortSignal | undefined;
    await expect(
      bounded(
        "x",
        (signal) => {
          seen = signal;
          return new Promise(() => undefined);
        },
        { ms: null, stop },
      ),
    ).rejects.toThrow(/stopped/);
    expect(seen?.aborted).toBe(true);
  });
});
