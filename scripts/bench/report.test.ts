import { describe, expect, it } from "vitest";
import type { ExerciseSamples } from "./graded-runs";
import { gradedTables, memoryTable, queueTable } from "./report";
import type { RunTiming } from "./ws-run";

const run = (buildDoneMs: number, checksMs: number, state: RunTiming["state"] = "passed", cachedSteps: string[] = []): RunTiming => ({
  runId: "r",
  state,
  cachedSteps,
  firstBuildEventMs: buildDoneMs / 10,
  buildDoneMs,
  checksMs,
});
const raw = (buildMs: number, gradedMs: number) => ({ buildMs, gradedMs, checkMs: {} });

describe("bench tables", () => {
  const samples: ExerciseSamples[] = [
    {
      exercise: "c/static-c-tool",
      runner: {
        cold: [run(1100, 2000, "passed", ["[1/2] FROM stagecraft/gcc:12", "[build 2/4] WORKDIR /src"]), run(1300, 2200), run(9999, 9999, "error")],
        cached: [run(300, 900), run(340, 1000)],
      },
      raw: { cold: [raw(1000, 1800), raw(1000, 2000), raw(Number.NaN, Number.NaN)], cached: [raw(250, 800), raw(270, 1000)] },
    },
  ];

  it("compares medians of passed runner runs with raw runs, with each n, and names steps a cold run still cached", () => {
    const [build, whole, first] = gradedTables(samples, [40, 60]);
    expect(build!.rows[0]).toEqual(["c/static-c-tool", "cold", "1200 ms (2)", "1000 ms (2)", "×1.20", "+200 ms"]);
    expect(build!.rows[1]).toEqual(["c/static-c-tool", "cached", "320 ms (2)", "260 ms (2)", "×1.23", "+60 ms"]);
    expect(build!.note).toContain("Steps still cached in cold runner runs: [build 2/4] WORKDIR /src.");
    expect(whole!.note).toBe("Runs that did not pass are left out of every median (the n shows it): c/static-c-tool cold: runner error.");
    expect(whole!.rows[0]).toEqual(["c/static-c-tool", "cold", "2100 ms (2)", "1900 ms (2)", "×1.11", "+200 ms"]);
    expect(first!.rows.at(-1)).toEqual(["runner/hello (tiny busybox, queue row 1)", "cached", "50 ms", "60 ms", "2"]);
  });

  it("states throughput and queue-wait percentiles per level", () => {
    const level = { learners: 5, runs: 4, busy: 1, notPassed: {}, spanMs: 60_000, waitsMs: [0, 100, 200, 3000], totalsMs: [1, 2, 3, 4], firstEventMs: [] };
    expect(queueTable([level], 20).rows[0]).toEqual(["5", "4", "1", "4.0 runs/min", "100 ms", "3000 ms", "2 ms", "4 ms"]);
  });

  it("reports memory rows in order, with how each flood ended", () => {
    const flood = { runs: [{ ...run(1, 1, "error"), errorCode: "log_limit" }], peakRssKiB: 2048, hwmKiB: 3072, samples: 9 };
    const table = memoryTable({ idle: { rssKiB: 1024, hwmKiB: 1024 }, flood, afterRuns: { runs: 200, rssKiB: 4096, hwmKiB: 5120, settledRssKiB: 4000 } });
    expect(table.rows.map((r) => r.slice(0, 2))).toEqual([
      ["idle, before any run", "1.0 MiB"],
      ["peak during 1 log-flood run(s)", "2.0 MiB"],
      ["after 200 runs", "4.0 MiB"],
    ]);
    expect(table.rows[1]![2]).toContain("error (log_limit)");
  });
});
