import { describe, expect, it } from "vitest";
import type { CheckDetail } from "@/lib/checks";
import { formatMs, numericColumns, timelineRows, totalPercents } from "./check-detail-model";

const timelines: Extract<CheckDetail, { type: "timelines" }> = {
  type: "timelines",
  runs: [
    {
      label: "Your build",
      totalMs: 9000,
      steps: [
        { name: "[build 1/4] FROM docker.io/stagecraft/golang:1.19", cached: false, durationMs: 10 },
        { name: "[build 2/4] COPY go.mod go.sum ./", cached: false, durationMs: 40 },
        { name: "[build 3/4] RUN go mod download", cached: false, durationMs: 4000 },
        { name: "[build 4/4] RUN go build .", cached: false, durationMs: 8000 },
      ],
    },
    {
      label: "Rebuild",
      totalMs: 3000,
      steps: [
        // The shared FROM vertex, labelled with the other stage this time.
        { name: "[stage-1 1/2] FROM docker.io/stagecraft/golang:1.19", cached: false, durationMs: 0 },
        { name: "[build 2/4] COPY go.mod go.sum ./", cached: true, durationMs: 0 },
        { name: "[build 3/4] RUN go mod download", cached: true, durationMs: 0 },
        { name: "[build 3b/4] COPY main.go ./", cached: false, durationMs: null },
        { name: "[build 4/4] RUN go build .", cached: false, durationMs: 2000 },
      ],
    },
  ],
};

describe("timelineRows", () => {
  it("lines steps up across runs, on one scale, with a shared FROM as one row", () => {
    const rows = timelineRows(timelines);
    expect(rows.map((r) => r.name)).toEqual([
      "[build 1/4] FROM docker.io/stagecraft/golang:1.19",
      "[build 2/4] COPY go.mod go.sum ./",
      "[build 3/4] RUN go mod download",
      "[build 3b/4] COPY main.go ./",
      "[build 4/4] RUN go build .",
    ]);
    expect(rows[2]?.cells).toEqual([
      { cached: false, durationMs: 4000, percent: 50 },
      { cached: true, durationMs: 0, percent: 0 },
    ]);
    expect(rows[3]?.cells).toEqual([null, { cached: false, durationMs: null, percent: 0 }]);
    expect(rows[4]?.cells.map((c) => c?.percent)).toEqual([100, 25]);
  });

  it("scales the totals to the longest run", () => {
    expect(totalPercents(timelines)).toEqual([100, (3000 / 9000) * 100]);
  });
});

describe("numericColumns", () => {
  it("right-aligns columns of sizes and percentages, never the first", () => {
    const table = {
      type: "table" as const,
      columns: ["Target", "Base", "Size", "Of the starter", "Runs"],
      rows: [
        ["12", "scratch", "1.5 MiB (budget 4.0 MiB)", "0.45%", "yes"],
        ["2", "stagecraft/busybox:1.35", "up to 69.3 MiB", "—", "no: exited with code 1"],
      ],
    };
    expect(numericColumns(table)).toEqual([false, false, true, true, false]);
  });
});

describe("formatMs", () => {
  it("reads like the rest of the page", () => {
    expect([formatMs(null), formatMs(40), formatMs(1234), formatMs(45_000)]).toEqual(["—", "40 ms", "1.2 s", "45 s"]);
  });
});
