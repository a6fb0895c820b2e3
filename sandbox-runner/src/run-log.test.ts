import { describe, expect, it, vi } from "vitest";
import { LogBatcher, type LogEntry } from "./run-log";

describe("LogBatcher", () => {
  it("merges consecutive chunks of one step and stream into one entry per flush", () => {
    vi.useFakeTimers();
    const out: LogEntry[] = [];
    const batcher = new LogBatcher(50, (e) => out.push(e));
    batcher.push({ stepId: "s1", stream: "stdout", chunk: "a" });
    batcher.push({ stepId: "s1", stream: "stdout", chunk: "b" });
    batcher.push({ stepId: "s1", stream: "stderr", chunk: "c" });
    batcher.push({ stepId: "s2", stream: "stdout", chunk: "d" });
    expect(out).toEqual([]);
    vi.advanceTimersByTime(50);
    expect(out).toEqual([
      { stepId: "s1", stream: "stdout", chunk: "ab" },
      { stepId: "s1", stream: "stderr", chunk: "c" },
      { stepId: "s2", stream: "stdout", chunk: "d" },
    ]);
    batcher.push({ stream: "runner", chunk: "x" });
    batcher.stop();
    vi.advanceTimersByTime(100);
    expect(out).toHaveLength(3);
    vi.useRealTimers();
  });
});
