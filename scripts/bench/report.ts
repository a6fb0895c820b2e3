/**
 * The bench's results as tables (one per section) and as the JSON document written beside them.
 */
import type { ExerciseSamples } from "./graded-runs";
import type { Machine } from "./machine";
import type { LevelResult } from "./queue-load";
import type { FloodResult, MemorySample } from "./runner-memory";
import {
  countFinite,
  formatAddedMs,
  formatKiB,
  formatMs,
  formatRatio,
  median,
  overhead,
  percentile,
  runsPerMinute,
  type Table,
} from "./stats";

export type MemoryResult = {
  idle: MemorySample;
  flood?: FloodResult;
  afterRuns?: { runs: number; rssKiB: number; hwmKiB: number; settledRssKiB: number };
};

export type BenchResults = {
  graded?: ExerciseSamples[];
  queue?: LevelResult[];
  memory?: MemoryResult;
};

const CACHES = ["cold", "cached"] as const;
const num = (v: number | undefined) => v ?? Number.NaN;

/** `tinyFirstEvents`: start → first build event of the queue section's single-learner runs. */
export function gradedTables(samples: ExerciseSamples[], tinyFirstEvents?: number[]): Table[] {
  const build: string[][] = [];
  const whole: string[][] = [];
  const first: string[][] = [];
  for (const s of samples) {
    for (const cache of CACHES) {
      // Only passed runs count: a failed one did less (or other) work than the raw baseline.
      const runner = s.runner[cache].filter((r) => r.state === "passed");
      const raw = s.raw[cache];
      const b = overhead(runner.map((r) => num(r.buildDoneMs)), raw.map((r) => r.buildMs));
      build.push([s.exercise, cache, `${formatMs(b.runnerMs)} (${b.nRunner})`, `${formatMs(b.rawMs)} (${b.nRaw})`, formatRatio(b.ratio), formatAddedMs(b.addedMs)]);
      const w = overhead(runner.map((r) => num(r.checksMs)), raw.map((r) => r.gradedMs));
      whole.push([s.exercise, cache, `${formatMs(w.runnerMs)} (${w.nRunner})`, `${formatMs(w.rawMs)} (${w.nRaw})`, formatRatio(w.ratio), formatAddedMs(w.addedMs)]);
      const f = runner.map((r) => num(r.firstBuildEventMs));
      first.push([s.exercise, cache, formatMs(median(f)), formatMs(percentile(f, 95)), String(countFinite(f))]);
    }
  }
  if (tinyFirstEvents?.length) {
    first.push(["runner/hello (tiny busybox, queue row 1)", "cached", formatMs(median(tinyFirstEvents)), formatMs(percentile(tinyFirstEvents, 95)), String(countFinite(tinyFirstEvents))]);
  }
  const cols = ["exercise", "cache", "runner median (n)", "raw Engine API median (n)", "ratio", "added"];
  // Base images (FROM) and BuildKit's own steps are always "cached"; anything else in a cold run is named.
  const coldCached = [...new Set(samples.flatMap((s) => s.runner.cold.flatMap((r) => r.cachedSteps)))].filter(
    (name) => !/^\[internal\]|\bFROM\b/.test(name),
  );
  return [
    {
      title: "1. Build phase: runner (start frame → last build step) vs raw POST /build of the same tar",
      columns: cols,
      rows: build,
      note:
        "Cold: a fresh ARG nonce after every FROM makes every RUN step a cache miss; base images stay. Runner and raw alternate which goes first. " +
        `Steps still cached in cold runner runs: ${coldCached.length ? coldCached.join("; ") : "none"}.`,
    },
    {
      title: "2. Whole graded run: runner (start frame → check results) vs build + inspect + checks straight through the Engine API",
      columns: cols,
      rows: whole,
      note: `Runs that did not pass are left out of every median (the n shows it): ${leftOut(samples)}.`,
    },
    {
      title: "3. Start frame → first build event (step or build log) through the runner",
      columns: ["exercise", "cache", "median", "p95", "n"],
      rows: first,
    },
  ];
}

function leftOut(samples: ExerciseSamples[]): string {
  const parts = samples.flatMap((s) =>
    CACHES.flatMap((cache) => {
      const runner = s.runner[cache].filter((r) => r.state !== "passed").map((r) => `runner ${r.state}${r.errorCode ? ` (${r.errorCode})` : ""}${r.failedChecks?.length ? ` (${r.failedChecks.join(", ")} did not pass)` : ""}`);
      const raw = s.raw[cache].filter((r) => r.error !== undefined).map((r) => `raw: ${r.error}`);
      return [...runner, ...raw].map((what) => `${s.exercise} ${cache}: ${what}`);
    }),
  );
  return parts.length ? parts.join("; ") : "none";
}

export function queueTable(levels: LevelResult[], queueMax: number): Table {
  return {
    title: `4. Queue: tiny busybox builds, one runner (1 build slot, ${queueMax} waiting at most)`,
    columns: ["learners", "runs", "busy answers", "throughput", "queue wait p50", "queue wait p95", "start → finished p50", "p95"],
    rows: levels.map((l) => [
      String(l.learners),
      `${l.runs}${Object.keys(l.notPassed).length ? ` (not passed: ${JSON.stringify(l.notPassed)})` : ""}`,
      String(l.busy),
      `${runsPerMinute(l.runs, l.spanMs).toFixed(1)} runs/min`,
      formatMs(percentile(l.waitsMs, 50)),
      formatMs(percentile(l.waitsMs, 95)),
      formatMs(percentile(l.totalsMs, 50)),
      formatMs(percentile(l.totalsMs, 95)),
    ]),
    note: "Each learner submits, waits for its run to finish and submits again; a learner answered busy retries after 1 s (counted as wait).",
  };
}

export function memoryTable(m: MemoryResult): Table {
  const rows: string[][] = [["idle, before any run", formatKiB(m.idle.rssKiB), ""]];
  if (m.flood) {
    const states = m.flood.runs.map((r) => (r.errorCode ? `${r.state} (${r.errorCode})` : r.state));
    rows.push([
      `peak during ${m.flood.runs.length} log-flood run(s)`,
      formatKiB(m.flood.peakRssKiB),
      `${m.flood.samples} samples every 20 ms; VmHWM ${formatKiB(m.flood.hwmKiB)}; runs ended ${[...new Set(states)].join(", ")}`,
    ]);
  }
  if (m.afterRuns) {
    rows.push([`after ${m.afterRuns.runs} runs`, formatKiB(m.afterRuns.rssKiB), `5 s later ${formatKiB(m.afterRuns.settledRssKiB)}; VmHWM ${formatKiB(m.afterRuns.hwmKiB)}`]);
  }
  return { title: "5. Runner resident memory (VmRSS of the runner process)", columns: ["when", "RSS", "notes"], rows };
}

export function allTables(results: BenchResults, queueMax: number): Table[] {
  return [
    ...(results.graded ? gradedTables(results.graded, results.queue?.find((l) => l.learners === 1)?.firstEventMs) : []),
    ...(results.queue ? [queueTable(results.queue, queueMax)] : []),
    ...(results.memory ? [memoryTable(results.memory)] : []),
  ];
}

export type BenchDocument = {
  startedAt: string;
  durationS: number;
  options: Record<string, unknown>;
  machine: Machine;
  tables: Table[];
  results: BenchResults;
};
