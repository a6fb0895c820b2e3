import { describe, expect, it } from "vitest";
import { createOutputCapture, engineMessage, sandboxHostConfig } from "./container-run";
import { SANDBOX_LIMITS } from "./limits";

const write = (sink: NodeJS.WritableStream, text: string) =>
  new Promise<void>((resolve) => sink.write(Buffer.from(text), () => resolve()));

describe("createOutputCapture", () => {
  it("keeps both streams whole under the cap", async () => {
    const capture = createOutputCapture(100);
    await write(capture.stdout, "hello\n");
    await write(capture.stderr, "warn\n");
    expect(capture.result()).toEqual({ stdout: "hello\n", stderr: "warn\n" });
  });

  it("shares one budget between the streams and notes where it cut", async () => {
    const capture = createOutputCapture(10);
    await write(capture.stdout, "1234567");
    await write(capture.stderr, "abcdef");
    await write(capture.stdout, "more");
    const { stdout, stderr } = capture.result();
    expect(stdout).toMatch(/^1234567\n\[output truncated: only the first 10 B are kept\]/);
    expect(stderr).toMatch(/^abc\n\[output truncated/);
  });
});

describe("sandboxHostConfig", () => {
  it("applies every container limit and locks the container down", () => {
    const limits = SANDBOX_LIMITS.container;
    expect(sandboxHostConfig()).toMatchObject({
      Memory: limits.memoryBytes,
      MemorySwap: limits.memoryBytes,
      NanoCpus: limits.nanoCpus,
      PidsLimit: limits.pids,
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      NetworkMode: "none",
      Privileged: false,
      AutoRemove: false,
    });
    expect(sandboxHostConfig().Tmpfs?.["/tmp"]).toContain(`size=${limits.tmpfsSize}`);
  });
});

describe("sandboxHostConfig options", () => {
  it("mounts a tmpfs at each given path, or none, keeping the size cap", () => {
    const size = `size=${SANDBOX_LIMITS.container.tmpfsSize}`;
    const tmpfs = sandboxHostConfig({ tmpfs: ["/tmp", "/app/cache"] }).Tmpfs ?? {};
    expect(Object.keys(tmpfs)).toEqual(["/tmp", "/app/cache"]);
    for (const options of Object.values(tmpfs)) expect(options).toContain(size);
    expect(sandboxHostConfig({ tmpfs: [] }).Tmpfs).toEqual({});
  });

  it("joins another container's network namespace only when asked, still locked down", () => {
    expect(sandboxHostConfig({ networkOf: "abc123" })).toMatchObject({ NetworkMode: "container:abc123", ReadonlyRootfs: true, CapDrop: ["ALL"] });
    expect(sandboxHostConfig().NetworkMode).toBe("none");
  });
});

describe("engineMessage", () => {
  it("prefers the engine's JSON message over docker-modem's wrapper", () => {
    const err = Object.assign(new Error("(HTTP code 400) unexpected - boom "), { statusCode: 400, json: { message: "exec: not found\n" } });
    expect(engineMessage(err)).toBe("exec: not found");
    expect(engineMessage(new Error(" plain "))).toBe("plain");
    expect(engineMessage("text")).toBe("text");
  });
});
