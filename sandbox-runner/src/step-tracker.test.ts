import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { BuildStep } from "@/lib/protocol";
import { createStepTracker, stageOf, type StepLog } from "./step-tracker";
import { decodeBuildLine, type StatusUpdate } from "./trace-decoder";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "__fixtures__", name), "utf8");

function replay(name: string) {
  const tracker = createStepTracker();
  const emitted: BuildStep[] = [];
  const logs: StepLog[] = [];
  for (const line of fixture(name).split("\n").filter(Boolean)) {
    const ev = decodeBuildLine(line);
    if (ev.kind !== "trace") continue;
    const out = tracker.apply(ev.update);
    emitted.push(...out.steps);
    logs.push(...out.logs);
  }
  return { tracker, emitted, logs };
}

const empty: StatusUpdate = { vertexes: [], statuses: [], logs: [], warnings: [] };

describe("step tracker on a recorded multi-stage build", () => {
  const { tracker, emitted, logs } = replay("multi-stage.jsonl");
  const steps = tracker.steps();

  it("numbers steps 1..N in order of first appearance, keyed by digest", () => {
    expect(steps.map((s) => s.number)).toEqual(steps.map((_, i) => i + 1));
    const firstSeen = [...new Map(emitted.map((s) => [s.id, s.number])).values()];
    expect(firstSeen).toEqual([...firstSeen].sort((a, b) => a - b));
    expect(new Set(steps.map((s) => s.id)).size).toBe(steps.length);
  });

  it("derives stage names, statuses and durations", () => {
    const run = steps.find((s) => s.name.startsWith("[builder 2/3] RUN"));
    expect(run).toMatchObject({ stage: "builder", status: "finished" });
    expect(run!.durationMs).toBeGreaterThanOrEqual(0);
    expect(steps.find((s) => s.name.startsWith("[stage-1 2/2] COPY"))).toMatchObject({ stage: "stage-1" });
    expect(steps.find((s) => s.name.startsWith("[internal]"))?.stage).toBeUndefined();
    expect(steps.every((s) => s.status !== "started")).toBe(true); // the build completed
  });

  it("emits a step only when it changed", () => {
    for (let i = 1; i < emitted.length; i++) {
      const prev = emitted.slice(0, i).filter((s) => s.id === emitted[i]!.id).at(-1);
      expect(prev).not.toEqual(emitted[i]);
    }
  });

  it("attributes raw output chunks to steps, decoded and sanitised", () => {
    const run = steps.find((s) => s.name.startsWith("[builder 2/3] RUN"))!;
    const stdout = logs.filter((l) => l.stepId === run.id && l.stream === "stdout").map((l) => l.chunk).join("");
    expect(stdout).toContain("compiling\ncaf\u00e9 red\n");
    expect(stdout).not.toContain("\u001b");
    expect(logs.filter((l) => l.stepId === run.id && l.stream === "stderr").map((l) => l.chunk).join("")).toBe("to-stderr\n");
    const noNewline = steps.find((s) => s.name.startsWith("[builder 3/3] RUN"))!;
    expect(logs.filter((l) => l.stepId === noNewline.id).map((l) => l.chunk).join("")).toBe("no newline at end");
  });
});

describe("step tracker on recorded cached and failing builds", () => {
  it("marks unchanged steps cached on a rebuild", () => {
    const steps = replay("multi-stage-cached.jsonl").tracker.steps();
    const run = steps.find((s) => s.name.startsWith("[builder 2/3] RUN"));
    expect(run?.status).toBe("cached");
    expect(steps.filter((s) => s.status === "cached").length).toBeGreaterThanOrEqual(3);
  });

  it("finds the failed step, its error and its last output lines", () => {
    const { tracker } = replay("failing-run.jsonl");
    const failed = tracker.failedStep();
    expect(failed).toMatchObject({ status: "failed", name: expect.stringContaining("ls /nope") });
    expect(failed!.error).toContain("exit code: 1");
    expect(tracker.lastLines(failed!.id, 2)).toEqual(["about to fail", "ls: /nope: No such file or directory"]);
  });
});

describe("step tracker details", () => {
  const v = (over: Partial<StatusUpdate["vertexes"][number]>) => ({
    digest: "sha256:a",
    inputs: [],
    name: "[2/2] RUN x",
    cached: false,
    ...over,
  });

  it("does not show vertices that were planned but never started", () => {
    const t = createStepTracker();
    expect(t.apply({ ...empty, vertexes: [v({})] }).steps).toEqual([]);
    const out = t.apply({ ...empty, vertexes: [v({ digest: "sha256:b", started: 1 }), v({ started: 5 })] });
    expect(out.steps.map((s) => [s.id, s.number])).toEqual([["sha256:b", 1], ["sha256:a", 2]]);
  });

  it("joins a UTF-8 character split across two chunks", () => {
    const t = createStepTracker();
    t.apply({ ...empty, vertexes: [v({ started: 1 })] });
    const bytes = Buffer.from("\u00e9", "utf8");
    const log = (msg: Buffer) => ({ ...empty, logs: [{ vertex: "sha256:a", stream: "stdout" as const, msg }] });
    const a = t.apply(log(bytes.subarray(0, 1))).logs;
    const b = t.apply(log(bytes.subarray(1))).logs;
    expect(a.map((l) => l.chunk).join("") + b.map((l) => l.chunk).join("")).toBe("\u00e9");
    expect(a[0]!.rawBytes + b[0]!.rawBytes).toBe(2);
  });

  it("sanitises step names and errors, which echo learner-written text", () => {
    const t = createStepTracker();
    const out = t.apply({ ...empty, vertexes: [v({ name: "[2/2] RUN echo \u001b]0;owned\u0007hi", started: 1, completed: 2, error: "exit \u001b[31m1" })] });
    expect(out.steps[0]).toMatchObject({ name: "[2/2] RUN echo hi", error: "exit 1" });
  });

  it("reads stage names from step prefixes", () => {
    expect(stageOf("[builder 3/5] RUN go build")).toBe("builder");
    expect(stageOf("[stage-1 2/3] COPY --from=builder /a /b")).toBe("stage-1");
    expect(stageOf("[2/3] RUN x")).toBeUndefined();
    expect(stageOf("[internal] load metadata")).toBeUndefined();
  });
});

describe("step tracker interrupt", () => {
  it("fails the steps that were still running, once, and keeps finished ones", () => {
    const t = createStepTracker();
    t.apply({
      ...empty,
      vertexes: [
        { digest: "sha256:done", inputs: [], name: "[1/2] FROM x", cached: false, started: 1, completed: 2 },
        { digest: "sha256:run", inputs: [], name: "[2/2] RUN sleep 60", cached: false, started: 3 },
      ],
    });
    expect(t.interrupt("cancelled")).toEqual([expect.objectContaining({ id: "sha256:run", status: "failed", error: "cancelled" })]);
    expect(t.interrupt("cancelled")).toEqual([]);
    expect(t.steps().map((s) => s.status)).toEqual(["finished", "failed"]);
  });
});

describe("step tracker and BuildKit's output clip", () => {
  const started = { ...empty, vertexes: [{ digest: "sha256:a", inputs: [], name: "[2/2] RUN yes", cached: false, started: 1 }] };
  const log = (msg: string) => ({ ...empty, logs: [{ vertex: "sha256:a", stream: "stdout" as const, msg: Buffer.from(msg) }] });

  it("flags the chunk that completes the marker, once, with BuildKit's limit text", () => {
    const t = createStepTracker();
    t.apply(started);
    expect(t.apply(log("y\ny\n")).logs[0]!.clipped).toBeUndefined();
    expect(t.apply(log("y\n[output clipped, log limit 200KiB/s reached]\n")).logs[0]!.clipped).toBe("200KiB/s");
    expect(t.apply(log("y\n")).logs[0]!.clipped).toBeUndefined();
  });

  it("finds a marker split across chunks even when an open escape sequence swallows the text", () => {
    const t = createStepTracker();
    t.apply(started);
    const a = t.apply(log("\u001b]0;no terminator y\n[output clipped, log li")).logs[0]!;
    const b = t.apply(log("mit 1MiB reached]\n")).logs[0]!;
    expect(a.clipped).toBeUndefined();
    expect(b.clipped).toBe("1MiB");
  });

  it("does not flag output that merely talks about clipping", () => {
    const t = createStepTracker();
    t.apply(started);
    expect(t.apply(log("output clipped, log limit reached\n[output clipped]\n")).logs[0]!.clipped).toBeUndefined();
  });
});
