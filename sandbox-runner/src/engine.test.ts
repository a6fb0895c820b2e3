import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { createDocker, isEngineDown } from "./engine";

describe("isEngineDown", () => {
  it("says the engine is down when its socket does not exist", async () => {
    const docker = createDocker("/nonexistent/docker.sock");
    const err = await docker.ping().catch((e: unknown) => e);
    expect(isEngineDown(err)).toBe(true);
  });

  it("does not blame the engine for a missing file read elsewhere (a context file deleted mid-edit)", async () => {
    const err = await readFile("/nonexistent/context/main.go").catch((e: unknown) => e);
    expect((err as { code?: string }).code).toBe("ENOENT");
    expect(isEngineDown(err)).toBe(false);
  });

  it("counts refused and reset connections as down", () => {
    expect(isEngineDown(Object.assign(new Error("x"), { code: "ECONNREFUSED" }))).toBe(true);
    expect(isEngineDown(Object.assign(new Error("x"), { code: "ECONNRESET" }))).toBe(true);
    expect(isEngineDown(new Error("HTTP 500"))).toBe(false);
  });
});
