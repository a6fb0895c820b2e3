import { describe, expect, it } from "vitest";
import { createPlainRenderer, terminalText } from "@/lib/progress-render";
import { PROTOCOL_LIMITS, type ServerMessage } from "@/lib/protocol";
import {
  describeLastRun,
  describeRun,
  formatSize,
  idleRun,
  isBusy,
  offersRerun,
  oversizeDockerfileMessage,
  runReducer,
  utf8Bytes,
  type RunEvent,
  type RunView,
} from "./run-state";

const RUN = "6f1c1f2e-8a44-4b7e-9a51-0d4f3f1e2a10";
const OLD = "0b0d5c4e-1f8e-4a0e-8a51-5d2f3f1e2a99";

const frame = (message: ServerMessage): RunEvent => ({ type: "frame", message });
const play = (...events: RunEvent[]): RunView => events.reduce(runReducer, idleRun);
const started = (): RunView => play({ type: "start", runId: RUN });

describe("runReducer", () => {
  it("walks connecting → queued → building → checking → passed", () => {
    let v = started();
    expect(v.phase).toBe("connecting");
    v = runReducer(v, frame({ type: "accepted", runId: RUN, position: 2 }));
    expect([v.phase, v.position]).toEqual(["queued", 2]);
    expect(describeRun(v, 3).text).toContain("position 2");
    v = runReducer(v, frame({ type: "queue", runId: RUN, position: 0 }));
    expect(v.phase).toBe("building");
    v = runReducer(v, frame({ type: "step", runId: RUN, step: { id: "sha:1", number: 1, name: "[1/2] FROM x", status: "started" } }));
    expect(v.steps["sha:1"]?.status).toBe("started");
    v = runReducer(v, frame({ type: "checks", runId: RUN, results: [] }));
    expect(v.phase).toBe("checking");
    v = runReducer(v, frame({ type: "finished", runId: RUN, state: "passed", durationMs: 4200 }));
    expect([v.phase, v.outcome, isBusy(v)]).toEqual(["done", "passed", false]);
    expect(describeRun(v, 3).tone).toBe("pass");
  });

  it("shows the learner's place in line counting down as the queue moves, then the build", () => {
    let v = runReducer(started(), frame({ type: "accepted", runId: RUN, position: 3 }));
    const seen = [describeRun(v, 3).text];
    for (const position of [2, 1, 0]) {
      v = runReducer(v, frame({ type: "queue", runId: RUN, position }));
      seen.push(describeRun(v, 3).text);
    }
    expect(seen).toEqual([
      "Queued: position 3 (3 runs ahead of yours)…",
      "Queued: position 2 (2 runs ahead of yours)…",
      "Queued: position 1 (1 run ahead of yours)…",
      "Building…",
    ]);
    expect(isBusy(v)).toBe(true);
    // Another run's queue updates leave this one's place alone.
    const other = runReducer(runReducer(started(), frame({ type: "accepted", runId: RUN, position: 2 })), frame({ type: "queue", runId: OLD, position: 1 }));
    expect(describeRun(other, 3).text).toBe("Queued: position 2 (2 runs ahead of yours)…");
  });

  it("drops frames of another run", () => {
    const v = runReducer(started(), frame({ type: "finished", runId: OLD, state: "passed", durationMs: 1 }));
    expect(v.phase).toBe("connecting");
  });

  it("ends the run on an admission error and keeps its problems", () => {
    const v = runReducer(
      started(),
      frame({
        type: "error",
        runId: RUN,
        code: "admission_rejected",
        message: "This Dockerfile uses things the sandbox does not allow.",
        problems: [{ rule: "remote-source", message: "ADD from a URL is not allowed", line: 3 }],
      }),
    );
    expect([v.phase, v.outcome]).toEqual(["done", "error"]);
    expect(v.problems[0]?.line).toBe(3);
  });

  it("keeps a build failure open until finished says how it ended", () => {
    let v = runReducer(started(), frame({ type: "error", runId: RUN, code: "build_failed", message: "RUN exited 1" }));
    expect(isBusy(v)).toBe(true);
    v = runReducer(v, frame({ type: "finished", runId: RUN, state: "failed", durationMs: 10 }));
    expect(describeRun(v, 2)).toEqual({ text: "Failed: RUN exited 1.", tone: "fail" });
  });

  it("applies an error without run id only while connecting", () => {
    const unauthorized = frame({ type: "error", runId: null, code: "unauthorized", message: "token expired" });
    expect(runReducer(started(), unauthorized).outcome).toBe("error");
    const building = runReducer(started(), frame({ type: "accepted", runId: RUN, position: 0 }));
    expect(runReducer(building, unauthorized)).toBe(building);
  });

  it("reports an unreachable runner and a lost connection differently", () => {
    const down = runReducer(started(), { type: "unreachable", code: "runner_unreachable", message: "not reachable" });
    expect([down.outcome, down.error?.code]).toEqual(["error", "runner_unreachable"]);
    const lost = play({ type: "start", runId: RUN }, frame({ type: "accepted", runId: RUN, position: 0 }), { type: "closed" });
    expect([lost.outcome, lost.error?.code]).toEqual(["interrupted", "connection_lost"]);
    expect(describeRun(lost, 3).text).toMatch(/Your Dockerfile is safe .*Re-run/);
    expect(offersRerun(lost, null)).toBe(true);
    expect(offersRerun(down, null)).toBe(false); // the runner was never reached: nothing to re-run yet
  });

  it("offers Re-run only when the sandbox, not the Dockerfile, ended the run", () => {
    const ended = (m: ServerMessage) => play({ type: "start", runId: RUN }, frame({ type: "accepted", runId: RUN, position: 0 }), frame(m));
    const error = (code: "engine_unavailable" | "database_unavailable" | "timeout") =>
      ended({ type: "error", runId: RUN, code, message: "x" });
    expect(offersRerun(error("engine_unavailable"), null)).toBe(true);
    expect(offersRerun(error("database_unavailable"), null)).toBe(true);
    expect(offersRerun(error("timeout"), "interrupted")).toBe(false);
    expect(offersRerun(ended({ type: "finished", runId: RUN, state: "failed", durationMs: 1 }), null)).toBe(false);
    expect(offersRerun(idleRun, "interrupted")).toBe(true);
    expect(offersRerun(idleRun, "failed")).toBe(false);
    expect(offersRerun(started(), "interrupted")).toBe(false); // busy: Run is disabled anyway
  });

  it("ignores frames after the run is done", () => {
    const done = play({ type: "start", runId: RUN }, frame({ type: "finished", runId: RUN, state: "cancelled", durationMs: 5 }));
    expect(runReducer(done, frame({ type: "step", runId: RUN, step: { id: "a", number: 1, name: "x", status: "started" } }))).toBe(done);
  });
});

describe("describeLastRun", () => {
  it("summarises a stored outcome and ignores unfinished ones", () => {
    expect(describeLastRun("passed").tone).toBe("pass");
    expect(describeLastRun("failed").text).toMatch(/failed/);
    expect(describeLastRun("running")).toEqual(describeRun(idleRun, 0));
  });
});

describe("Dockerfile size in the page", () => {
  it("measures UTF-8 bytes, not characters", () => {
    expect(utf8Bytes("abc")).toBe(3);
    expect(utf8Bytes("€")).toBe(3);
  });

  it("refuses a 5 MB Dockerfile with both sizes, in words a learner reads", () => {
    const huge = "RUN echo x\n".repeat(454_546); // 5 000 006 bytes
    expect(oversizeDockerfileMessage(huge)).toMatch(/^Your Dockerfile is 5\.0 MB; the sandbox accepts up to 64 KiB\./);
  });

  it("accepts exactly the cap and refuses one byte over it, counting multi-byte characters", () => {
    const max = PROTOCOL_LIMITS.maxDockerfileBytes;
    expect(oversizeDockerfileMessage("x".repeat(max))).toBeNull();
    expect(oversizeDockerfileMessage("x".repeat(max + 1))).toMatch(/64\.0 KiB; the sandbox accepts up to 64 KiB/);
    // 30 000 characters, 90 000 bytes: under the cap by characters, over it by bytes.
    expect(oversizeDockerfileMessage(`FROM x\n# ${"€".repeat(30_000)}`)).toMatch(/87\.9 KiB; the sandbox accepts up to 64 KiB/);
  });

  it("formats sizes in MB above a megabyte and KiB below", () => {
    expect(formatSize(5_000_000)).toBe("5.0 MB");
    expect(formatSize(64 * 1024)).toBe("64 KiB");
    expect(formatSize(1536)).toBe("1.5 KiB");
  });

  it("a refused run ends at once with the message, without a run id", () => {
    const v = runReducer(idleRun, { type: "refused", code: "dockerfile_too_large", message: "too big" });
    expect(v).toMatchObject({ phase: "done", outcome: "error", runId: null, error: { code: "dockerfile_too_large", message: "too big" } });
    expect(describeRun(v, 1)).toEqual({ text: "too big", tone: "fail" });
    // Never while a run is going: it would drop that run's state.
    const going = started();
    expect(runReducer(going, { type: "refused", code: "dockerfile_too_large", message: "x" })).toBe(going);
  });

  it("maps a socket closed with 1009 to a message about the size, not a lost connection", () => {
    const v = runReducer(started(), { type: "closed", code: 1009 });
    expect(v).toMatchObject({ phase: "done", outcome: "error", error: { code: "message_too_large" } });
    expect(v.error?.message).toMatch(/too large.*up to 64 KiB/);
    expect(runReducer(started(), { type: "closed", code: 1006 }).error?.code).toBe("connection_lost");
  });
});

describe("terminalText", () => {
  it("renders steps with #N headers, output under its step, errors and the outcome line", () => {
    const r = createPlainRenderer({ now: () => 0 });
    const step = { id: "s1", number: 1, name: "[1/2] RUN make", status: "started" as const };
    const text = [
      terminalText(r, { type: "step", runId: RUN, step }),
      terminalText(r, { type: "log", runId: RUN, stepId: "s1", stream: "stdout", chunk: "ok\n" }),
      terminalText(r, { type: "step", runId: RUN, step: { ...step, status: "finished", durationMs: 1200 } }),
      terminalText(r, { type: "report", runId: RUN, report: {} as never }),
      terminalText(r, { type: "finished", runId: RUN, state: "passed", durationMs: 4200 }),
    ].join("");
    expect(text).toBe("#1 [1/2] RUN make\n#1 0.000 ok\n#1 DONE 1.2s\n\n=> passed in 4.2s\n");
  });
});

describe("describeLastRun after a reload", () => {
  it("tells a learner whose run the sandbox interrupted that their Dockerfile is not at fault", () => {
    expect(describeLastRun("interrupted")).toEqual({ text: expect.stringContaining("the sandbox restarted"), tone: "warn" });
    expect(describeLastRun("passed").tone).toBe("pass");
    expect(describeLastRun("running").text).toBe(describeRun(idleRun, 0).text);
  });
});
