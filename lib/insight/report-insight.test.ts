import { describe, expect, it } from "vitest";
import { ImageReport } from "../report";
import type { BuildInsight } from "./index";

const stored = {
  sizeBytes: 1234,
  layers: [],
  config: { user: "", cmd: null, entrypoint: null, cmdForm: "none", healthcheck: null, exposedPorts: [], envNames: [], workdir: "" },
  stages: [],
  platform: "linux/amd64",
};

const insight: BuildInsight = {
  layers: { available: true, layers: [{ instruction: "RUN x", sizeBytes: 5, empty: false, origin: "own", line: 2, endLine: 2, stage: "stage 0" }], baseImage: null, baseCompared: false },
  waste: { available: true, reclaimableBytes: 0, writtenBytes: 5, offenders: [], offenderCount: 0, complete: true },
  comparison: { available: false, reason: "Not available this run: no time was left to build the starter." },
  addedMs: 12,
};

describe("ImageReport.insight in stored rows", () => {
  it("still parses a report stored before build insight existed", () => {
    expect(ImageReport.parse(stored)).toEqual(stored);
  });

  it("round-trips a report with insight through JSON", () => {
    const row = JSON.parse(JSON.stringify({ ...stored, insight }));
    expect(ImageReport.parse(row).insight).toEqual(insight);
  });

  it("refuses an insight section that claims to be there without its data", () => {
    expect(ImageReport.safeParse({ ...stored, insight: { ...insight, waste: { available: true } } }).success).toBe(false);
  });
});
