import { describe, expect, it } from "vitest";
import type { BuildStep } from "../../../lib/protocol";
import { codeOf, formatDuration, instructionSteps, stepsMatching, timingsOf } from "./build-steps";

let n = 0;
const step = (name: string, status: BuildStep["status"], durationMs?: number): BuildStep => ({
  id: `d${++n}`,
  number: n,
  name,
  status,
  ...(durationMs !== undefined && { durationMs }),
});

// As BuildKit on engine 20.10 names them (recorded from a real build).
const steps = [
  step("[internal] load remote build context", "finished", 0),
  step("copy /context /", "finished", 80),
  step("[internal] load metadata for docker.io/stagecraft/busybox:1.35", "finished", 1),
  step("[deps 1/4] FROM docker.io/stagecraft/busybox:1.35", "cached", 0),
  step("[deps 2/4] COPY package.json package-lock.json ./", "cached", 0),
  // A continued RUN as BuildKit names it: the backslash-newline removed, the indentation kept.
  step("[deps 3/4] RUN npm  ci     --omit=dev", "cached", 0),
  step("[deps 4/4] COPY src ./src", "finished", 11),
  step("[2/3] RUN go build ./...", "finished", 1300),
  step("exporting to image", "finished", 10),
];

describe("instructionSteps", () => {
  it("keeps only the Dockerfile's instructions, with stage label, position and instruction text", () => {
    const parsed = instructionSteps(steps);
    expect(parsed.map((s) => [s.stage, s.index, s.instruction.split("\n")[0]])).toEqual([
      ["deps", 1, "FROM docker.io/stagecraft/busybox:1.35"],
      ["deps", 2, "COPY package.json package-lock.json ./"],
      ["deps", 3, "RUN npm  ci     --omit=dev"],
      ["deps", 4, "COPY src ./src"],
      [null, 2, "RUN go build ./..."],
    ]);
  });
});

describe("stepsMatching", () => {
  const parsed = instructionSteps(steps);
  it("matches a fragment regardless of case and repeated spaces", () => {
    expect(stepsMatching(parsed, "npm ci").map((s) => s.index)).toEqual([3]);
    expect(stepsMatching(parsed, "NPM CI --omit").map((s) => s.index)).toEqual([3]);
    expect(stepsMatching(parsed, "go build").map((s) => s.stage)).toEqual([null]);
  });

  it("never matches the stage label, BuildKit's own steps or nothing at all", () => {
    expect(stepsMatching(parsed, "deps")).toEqual([]);
    expect(stepsMatching(parsed, "load metadata")).toEqual([]);
    expect(stepsMatching(parsed, "exporting")).toEqual([]);
    expect(stepsMatching(parsed, "pip install")).toEqual([]);
  });
});

describe("timingsOf", () => {
  it("lists instruction steps with cached marked and taking no time of its own", () => {
    expect(timingsOf(steps).slice(2)).toEqual([
      { name: "[deps 3/4] RUN npm  ci     --omit=dev", cached: true, durationMs: 0 },
      { name: "[deps 4/4] COPY src ./src", cached: false, durationMs: 11 },
      { name: "[2/3] RUN go build ./...", cached: false, durationMs: 1300 },
    ]);
    expect(timingsOf([step("[1/2] RUN sleep 9", "started")])).toEqual([{ name: "[1/2] RUN sleep 9", cached: false, durationMs: null }]);
  });
});

describe("wording helpers", () => {
  it("quotes instructions as code without backticks, shortened", () => {
    expect(codeOf("RUN echo `date`")).toBe("`RUN echo 'date'`");
    expect(codeOf(`RUN ${"x".repeat(100)}`, 10)).toBe("`RUN xxxxx…`");
  });
  it("formats durations", () => {
    expect([formatDuration(350.4), formatDuration(1234), formatDuration(45_600)]).toEqual(["350 ms", "1.2 s", "46 s"]);
  });
});
