import { describe, expect, it } from "vitest";
import type { ServerMessage } from "@/lib/protocol";
import { describeLastRun, describeRun, idleRun, isBusy, runReducer, type RunEvent, type RunView } from "./run-state";

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
