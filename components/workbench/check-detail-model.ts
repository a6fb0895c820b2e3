/**
 * Plain data for the check details the results panel draws: build timelines lined up step by step
 * across runs, with bar lengths on one shared scale, and which table columns hold numbers.
 */
import type { CheckDetail, StepTiming } from "@/lib/checks";

type Timelines = Extract<CheckDetail, { type: "timelines" }>;

export type TimelineRow = {
  /** The step as the first run that has it names it. */
  name: string;
  /** One cell per run, in the runs' order; null when that run has no such step. */
  cells: (TimelineCell | null)[];
};

export type TimelineCell = {
  cached: boolean;
  durationMs: number | null;
  /** Bar length as a percentage of the longest step in any run (0 for cached steps). */
  percent: number;
};

/**
 * A FROM vertex is shared by every stage with the same base, and BuildKit labels it with whichever
 * stage it reached first, so `[build 1/6] FROM x` and `[stage-1 1/2] FROM x` are one step.
 */
function stepKey(name: string): string {
  const m = /^\[[^\]]*\] (FROM .*)$/s.exec(name);
  return m?.[1] ?? name;
}

export function timelineRows(detail: Timelines): TimelineRow[] {
  const longest = Math.max(1, ...detail.runs.flatMap((r) => r.steps.map((s) => (s.cached ? 0 : (s.durationMs ?? 0)))));
  const order: string[] = [];
  const names = new Map<string, string>();
  // Steps in the order they first appear; a step only a later run has goes after its predecessor there.
  for (const run of detail.runs) {
    let after = -1;
    for (const step of run.steps) {
      const key = stepKey(step.name);
      const at = order.indexOf(key);
      if (at === -1) {
        order.splice(after + 1, 0, key);
        names.set(key, step.name);
        after += 1;
      } else {
        after = Math.max(after, at);
      }
    }
  }
  return order.map((key) => ({
    name: names.get(key) ?? key,
    cells: detail.runs.map((run) => {
      const step = run.steps.find((s) => stepKey(s.name) === key);
      return step ? cellOf(step, longest) : null;
    }),
  }));
}

/** One step's cell, its bar on a scale where `longest` ms is 100 %. */
export function cellOf(step: StepTiming, longest: number): TimelineCell {
  const ms = step.cached ? 0 : (step.durationMs ?? 0);
  return { cached: step.cached, durationMs: step.durationMs, percent: Math.min(100, (ms / longest) * 100) };
}

/** Each run's total as a percentage of the longest total, for the bars under the run labels. */
export function totalPercents(detail: Timelines): number[] {
  const longest = Math.max(1, ...detail.runs.map((r) => r.totalMs));
  return detail.runs.map((r) => (r.totalMs / longest) * 100);
}

/** `0.7 s`, `12 s`, `40 ms`; `—` when unknown. */
export function formatMs(ms: number | null): string {
  if (ms === null) return "—";
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}

/** Columns after the first whose every cell is a number, a size or a percentage: right-aligned. */
export function numericColumns(detail: Extract<CheckDetail, { type: "table" }>): boolean[] {
  const numeric = /^(up to |≤ )?[\d.,]+\s?(%|[KMGT]?i?B|ms|s|×)?(\s.*)?$|^—$/;
  return detail.columns.map((_, i) => i > 0 && detail.rows.length > 0 && detail.rows.every((r) => numeric.test(r[i] ?? "")));
}
