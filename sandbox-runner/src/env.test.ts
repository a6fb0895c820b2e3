import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadRunnerConfig } from "./env";

describe("loadRunnerConfig", () => {
  it("uses STAGECRAFT_SECRET when set and derives the allowed origins from PORT", async () => {
    const config = await loadRunnerConfig({ STAGECRAFT_SECRET: "s".repeat(32), PORT: "3100" }, "/nonexistent");
    expect(config.secret).toBe("s".repeat(32));
    expect(config.origins).toEqual(["http://localhost:3100", "http://127.0.0.1:3100"]);
    expect(config.env.RUNNER_BUILD_SLOTS).toBe(1);
  });

  it("falls back to the shared secret file when STAGECRAFT_SECRET is unset", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sc-env-"));
    const config = await loadRunnerConfig({}, dir);
    expect(config.secret).toMatch(/^[0-9a-f]{64}$/);
    expect((await loadRunnerConfig({}, dir)).secret).toBe(config.secret);
  });

  it("refuses an invalid environment with the variable's name", async () => {
    await expect(loadRunnerConfig({ RUNNER_PORT: "not-a-port", STAGECRAFT_SECRET: "x".repeat(20) })).rejects.toThrow(
      /RUNNER_PORT/,
    );
  });
});
