/** Which stages get weighed, within what bounds, and what the graph says when some are not. */
import { describe, expect, it } from "vitest";
import type { ImageReport, StageInfo } from "../../../lib/report";
import type { VariantBuild } from "../checks/types";
import { weighStages } from "./stage-weights";

const stage = (index: number, name: string | null, base: string, copiesFrom: string[] = [], built = true): StageInfo => ({
  index,
  name,
  base,
  copiesFrom,
  built,
});
const layer = (instruction: string, sizeBytes: number, fromBase = false) => ({ instruction, sizeBytes, fromBase, empty: false });

const dockerfile = [
  "FROM stagecraft/golang:1.19 AS build",
  "RUN go build -o /app .",
  "FROM stagecraft/busybox:1.35 AS assets",
  "RUN mkdir /a",
  "FROM stagecraft/golang:1.19",
  "RUN echo unnamed",
  "FROM stagecraft/busybox:1.35 AS unused",
  "FROM stagecraft/busybox:1.35",
  "COPY --from=build /app /app",
  "COPY --from=assets /a /a",
  "COPY --from=2 /x /x",
].join("\n");

const report = {
  sizeBytes: 5_000,
  stages: [
    stage(0, "build", "stagecraft/golang:1.19"),
    stage(1, "assets", "stagecraft/busybox:1.35"),
    stage(2, null, "stagecraft/golang:1.19"),
    stage(3, "unused", "stagecraft/busybox:1.35", [], false),
    stage(4, null, "stagecraft/busybox:1.35", ["build", "assets", "2"]),
  ],
  layers: [layer("ADD file:x in /", 4_000, true), layer("COPY /app /app", 300), layer("COPY /a /a", 40), layer("COPY /x /x", 7)],
} as ImageReport;

const built = (sizeBytes: number): VariantBuild => ({ ok: true, message: "", steps: [], buildMs: 10, imageRef: "x", sizeBytes });

describe("weighStages", () => {
  it("weighs each built, named builder stage once and reads kept bytes from the final layers", async () => {
    const targets: string[] = [];
    const weights = await weighStages({
      dockerfile,
      report,
      buildTarget: async (t) => {
        targets.push(t);
        return built(t === "build" ? 900_000 : 6_000);
      },
      maxStages: 6,
      budgetMs: 30_000,
    });
    expect(targets).toEqual(["build", "assets"]);
    expect(weights.weights).toEqual([
      { index: 0, sizeBytes: 900_000 },
      { index: 1, sizeBytes: 6_000 },
    ]);
    expect(weights.keptBytes).toEqual({ "0": 300, "1": 40, "2": 7 });
    expect(weights.note).toBe("Stage 2 has no name, so it could not be built on its own to be weighed (`FROM … AS name` fixes that).");
  });

  it("stops at the stage limit and when the time is up, and says so", async () => {
    let clock = 0;
    const limited = await weighStages({ dockerfile, report, buildTarget: async () => built(1), maxStages: 1, budgetMs: 30_000 });
    expect(limited.weights).toHaveLength(1);
    expect(limited.note).toMatch(/a run weighs at most 1 stage, so assets was not\.$/);
    const late = await weighStages({
      dockerfile,
      report,
      buildTarget: async () => {
        clock += 20_000;
        return built(1);
      },
      maxStages: 6,
      budgetMs: 15_000,
      now: () => clock,
    });
    expect(late.weights.map((w) => w.index)).toEqual([0]);
    expect(late.note).toMatch(/the time for weighing stages ran out before assets\.$/);
  });

  it("keeps going past a stage that did not build, naming it", async () => {
    const failed: VariantBuild = { ok: false, message: "it ran out of grading time", steps: [], buildMs: 0, imageRef: null, sizeBytes: null };
    const w = await weighStages({ dockerfile, report, buildTarget: async (t) => (t === "build" ? failed : built(2)), maxStages: 6, budgetMs: 30_000 });
    expect(w.weights).toEqual([{ index: 1, sizeBytes: 2 }]);
    expect(w.note).toMatch(/build could not be weighed: the time for weighing stages ran out\.$/);
  });

  it("counts a stage the final image is built FROM as reaching it whole", async () => {
    const chain = {
      sizeBytes: 9_000,
      stages: [stage(0, "base", "stagecraft/busybox:1.35"), stage(1, null, "base")],
      layers: [layer("ADD file:x in /", 4_000, true)],
    } as ImageReport;
    const w = await weighStages({ dockerfile: "FROM stagecraft/busybox:1.35 AS base\nRUN echo\nFROM base\n", report: chain, buildTarget: async () => built(8_500), maxStages: 6, budgetMs: 1, now: () => 0 });
    expect(w).toEqual({ weights: [{ index: 0, sizeBytes: 8_500 }], keptBytes: { "0": 8_500 } });
  });
});
