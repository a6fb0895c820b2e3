/**
 * The cache timeline: this run's instruction steps next to the learner's previous run of the same
 * exercise, lined up by instruction (lib/insight/cache-timeline.ts), drawn like the rebuild-cache
 * check's timelines: a bar per step that ran, "cached" for a step taken from the cache.
 */
import type { StepTiming } from "@/lib/checks";
import { alignSteps, cacheSummary, stepsTotalMs } from "@/lib/insight/cache-timeline";
import { TimelinesFigure } from "../workbench/CheckDetailView";
import { cellOf, formatMs, type TimelineRow } from "../workbench/check-detail-model";
import "./stages.css";

export function CacheTimeline({ current, previous }: { current: readonly StepTiming[]; previous: readonly StepTiming[] | null }) {
  const aligned = alignSteps(previous ?? [], current);
  const runs = [
    ...(previous ? [{ label: "Previous run", totalMs: stepsTotalMs(previous) }] : []),
    { label: "This run", totalMs: stepsTotalMs(current) },
  ];
  const longest = Math.max(1, ...[...(previous ?? []), ...current].map((s) => (s.cached ? 0 : (s.durationMs ?? 0))));
  const rows: TimelineRow[] = aligned.map((r) => ({
    name: r.label,
    cells: [...(previous ? [r.previous] : []), r.current].map((s) => (s ? cellOf(s, longest) : null)),
  }));
  const longestTotal = Math.max(1, ...runs.map((r) => r.totalMs));
  const { cached, total } = cacheSummary(current);
  return (
    <div className="cache-timeline">
      <p className="cache-timeline-summary">
        {cached === total ? (
          <>
            <strong>All {total}</strong> steps came from the cache: nothing had to run again.
          </>
        ) : (
          <>
            <strong>
              {cached} of {total}
            </strong>{" "}
            steps came from the cache; the other {total - cached} ran for <strong>{formatMs(stepsTotalMs(current))}</strong>.
          </>
        )}{" "}
        {previous
          ? `Previous run: ${cacheSummary(previous).cached} of ${cacheSummary(previous).total} from the cache, ${formatMs(stepsTotalMs(previous))}.`
          : "Run again to compare with this run."}
      </p>
      <TimelinesFigure runs={runs} rows={rows} totals={runs.map((r) => (r.totalMs / longestTotal) * 100)} label="Cache timeline: each step, cached or how long it ran" />
    </div>
  );
}
