import { describe, expect, it } from "vitest";
import type { StepTiming } from "../checks";
import { alignSteps, cacheSummary, instructionKey, stepLabel, stepsTotalMs } from "./cache-timeline";

const ran = (name: string, durationMs = 100): StepTiming => ({ name, cached: false, durationMs });
const hit = (name: string): StepTiming => ({ name, cached: true, durationMs: 0 });

describe("instructionKey", () => {
  it("drops BuildKit's position so an inserted line does not change later keys", () => {
    expect(instructionKey("[builder 3/5] RUN go build -o /out/app .")).toBe(instructionKey("[builder 4/6] RUN go build -o /out/app ."));
    expect(instructionKey("[builder 3/5] RUN make")).not.toBe(instructionKey("[stage-1 3/5] RUN make"));
    expect(instructionKey("[2/3] COPY  a \n  /a")).toBe("COPY a /a");
  });

  it("keys a FROM by its image, whichever stage BuildKit labelled it with", () => {
    expect(instructionKey("[build 1/6] FROM docker.io/stagecraft/busybox:1.35")).toBe(instructionKey("[stage-1 1/2] FROM docker.io/stagecraft/busybox:1.35"));
  });

  it("leaves names that are not instruction steps as they are", () => {
    expect(instructionKey("[internal] load build definition from Dockerfile")).toBe("[internal] load build definition from Dockerfile");
  });
});

describe("stepLabel", () => {
  it("names the stage and the instruction, never the position", () => {
    expect(stepLabel("[builder 3/5] RUN go build .")).toBe("builder · RUN go build .");
    expect(stepLabel("[1/2] FROM x")).toBe("FROM x");
  });
});

describe("alignSteps", () => {
  it("lines identical runs up one to one", () => {
    const prev = [ran("[b 1/3] FROM x"), ran("[b 2/3] COPY . ."), ran("[b 3/3] RUN make", 900)];
    const cur = [hit("[b 1/3] FROM x"), hit("[b 2/3] COPY . ."), hit("[b 3/3] RUN make")];
    const rows = alignSteps(prev, cur);
    expect(rows.map((r) => [r.label, r.previous?.durationMs, r.current?.cached])).toEqual([
      ["FROM x", 100, true],
      ["b · COPY . .", 100, true],
      ["b · RUN make", 900, true],
    ]);
  });

  it("keeps the rest aligned when a step is inserted, removed or reworded", () => {
    const prev = [ran("[b 1/4] FROM x"), ran("[b 2/4] COPY . ."), ran("[b 3/4] RUN npm ci"), ran("[b 4/4] RUN npm run build")];
    const cur = [
      hit("[b 1/5] FROM x"),
      ran("[b 2/5] COPY package.json ."),
      ran("[b 3/5] RUN npm ci"),
      ran("[b 4/5] COPY . ."),
      ran("[b 5/5] RUN npm run build"),
    ];
    const rows = alignSteps(prev, cur);
    // Each run's steps appear once each, in their own order.
    // (FROM steps first; here the FROM is already first.)
    expect(rows.flatMap((r) => (r.previous ? [r.previous] : []))).toEqual(prev);
    expect(rows.flatMap((r) => (r.current ? [r.current] : []))).toEqual(cur);
    // As many steps as possible are paired (3 of 4), each with its own instruction.
    const paired = rows.filter((r) => r.previous && r.current);
    expect(paired).toHaveLength(3);
    for (const r of paired) expect(instructionKey(r.previous!.name)).toBe(instructionKey(r.current!.name));
    expect(paired[0]!.label).toBe("FROM x");
    expect(paired.at(-1)!.label).toBe("b · RUN npm run build");
  });

  it("pairs base images whatever order BuildKit resolved them in, ahead of the other steps", () => {
    const prev = [ran("[b 1/2] FROM golang"), ran("[stage-1 1/2] FROM busybox"), ran("[b 2/2] RUN make"), ran("[stage-1 2/2] COPY --from=b /x /x")];
    const cur = [ran("[stage-1 1/2] FROM busybox"), ran("[b 2/2] RUN make"), ran("[b 1/2] FROM golang"), hit("[stage-1 2/2] COPY --from=b /x /x")];
    const rows = alignSteps(prev, cur);
    expect(rows.map((r) => [r.label, r.previous !== null, r.current !== null])).toEqual([
      ["FROM busybox", true, true],
      ["FROM golang", true, true],
      ["b · RUN make", true, true],
      ["stage-1 · COPY --from=b /x /x", true, true],
    ]);
  });

  it("handles a first run (no previous) and an empty current run", () => {
    const steps = [ran("[1/2] FROM x"), ran("[2/2] RUN a")];
    expect(alignSteps([], steps).every((r) => r.previous === null && r.current !== null)).toBe(true);
    expect(alignSteps(steps, []).every((r) => r.previous !== null && r.current === null)).toBe(true);
    expect(alignSteps([], [])).toEqual([]);
  });
});

describe("totals", () => {
  it("sums only the steps that ran and counts cache hits among the Dockerfile's own steps", () => {
    const steps = [ran("[1/4] FROM x", 3), ran("[2/4] RUN a", 250), { name: "[3/4] RUN b", cached: false, durationMs: null }, hit("[4/4] COPY . .")];
    expect(stepsTotalMs(steps)).toBe(253);
    expect(cacheSummary(steps)).toEqual({ cached: 1, total: 3 });
  });
});
