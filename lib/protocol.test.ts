import { describe, expect, it } from "vitest";
import { parseClientMessage, parseServerMessage } from "./protocol";

const runId = "6f1c2d7e-8a4b-4c3d-9e2f-1a2b3c4d5e6f";

describe("protocol", () => {
  it("accepts a well-formed start message", () => {
    const r = parseClientMessage(JSON.stringify({ type: "start", runId, exerciseId: "anatomy/split", files: { Dockerfile: "FROM x" } }));
    expect(r.ok).toBe(true);
  });
  it("rejects non-JSON, unknown types and missing run ids with a reason", () => {
    expect(parseClientMessage("{nope")).toEqual({ ok: false, error: "message is not valid JSON" });
    const unknown = parseClientMessage({ type: "rm -rf", runId });
    expect(unknown.ok).toBe(false);
    const noId = parseClientMessage({ type: "cancel" });
    expect(noId.ok).toBe(false);
    if (!noId.ok) expect(noId.error).toContain("runId");
  });
  it("rejects a Dockerfile over the protocol cap", () => {
    const r = parseClientMessage({ type: "start", runId, exerciseId: "a/b", files: { Dockerfile: "x".repeat(70_000) } });
    expect(r.ok).toBe(false);
  });
  it("round-trips server messages and allows a null run id only on errors", () => {
    expect(parseServerMessage({ type: "finished", runId, state: "passed", durationMs: 12 }).ok).toBe(true);
    expect(parseServerMessage({ type: "error", runId: null, code: "invalid_message", message: "x" }).ok).toBe(true);
    expect(parseServerMessage({ type: "finished", runId: null, state: "passed", durationMs: 1 }).ok).toBe(false);
  });
});
