/**
 * The evidence a check shows under its message (`CheckResult.detail`): build timelines lined up
 * step by step (rebuild-cache), or a small table (size-ratio, targets). Every value is text the
 * runner produced, rendered as text.
 */
import type { CheckDetail } from "@/lib/checks";
import { formatMs, numericColumns, timelineRows, totalPercents, type TimelineRow } from "./check-detail-model";
import "./check-detail.css";

export function CheckDetailView({ detail, title }: { detail: CheckDetail; title: string }) {
  return detail.type === "timelines" ? <Timelines detail={detail} title={title} /> : <DetailTable detail={detail} title={title} />;
}

function Timelines({ detail, title }: { detail: Extract<CheckDetail, { type: "timelines" }>; title: string }) {
  return <TimelinesFigure runs={detail.runs} rows={timelineRows(detail)} totals={totalPercents(detail)} label={`Build timelines for “${title}”`} />;
}

/**
 * Runs side by side, one row per step: also the cache timeline's picture (components/insight),
 * which lines its rows up its own way.
 */
export function TimelinesFigure({
  runs,
  rows,
  totals,
  label,
}: {
  runs: readonly { label: string; totalMs: number }[];
  rows: readonly TimelineRow[];
  /** Each run's total as a percentage of the longest. */
  totals: readonly number[];
  label: string;
}) {
  const columns = { gridTemplateColumns: `repeat(${runs.length}, minmax(0, 1fr))` };
  return (
    <figure className="timelines" aria-label={label}>
      <div className="timelines-runs" style={columns}>
        {runs.map((run, i) => (
          <div key={i} className="timelines-run">
            <span className="timelines-run-label">{run.label}</span>
            <span className="timelines-run-total">{formatMs(run.totalMs)}</span>
            <span className="timelines-track" aria-hidden="true">
              <span className="timelines-bar timelines-bar-total" style={{ width: `${Math.max(totals[i] ?? 0, 1)}%` }} />
            </span>
          </div>
        ))}
      </div>
      <ol className="timelines-steps">
        {rows.map((row, r) => (
          <li key={r} className="timelines-step">
            <code className="timelines-step-name">{row.name}</code>
            <div className="timelines-cells" style={columns}>
              {row.cells.map((cell, i) => (
                <div key={i} className="timelines-cell" data-cached={cell?.cached ?? undefined}>
                  <span className="visually-hidden">{runs[i]?.label}: </span>
                  {cell === null ? (
                    <span className="timelines-none">not in this build</span>
                  ) : cell.cached ? (
                    <span className="timelines-cached">cached</span>
                  ) : (
                    <>
                      <span className="timelines-track" aria-hidden="true">
                        <span className="timelines-bar" data-empty={cell.percent === 0 || undefined} style={{ width: `${cell.percent}%` }} />
                      </span>
                      <span className="timelines-time">{formatMs(cell.durationMs)}</span>
                    </>
                  )}
                </div>
              ))}
            </div>
          </li>
        ))}
      </ol>
    </figure>
  );
}

/**
 * A real table; one with four or more columns turns into one card per row in a narrow container
 * (check-detail.css). The explicit roles keep it a table for screen readers when CSS changes its
 * display, which some browsers otherwise treat as dropping the table semantics.
 */
function DetailTable({ detail, title }: { detail: Extract<CheckDetail, { type: "table" }>; title: string }) {
  const numeric = numericColumns(detail);
  const wide = detail.columns.length >= 4;
  return (
    <div className="detail-table-wrap" data-wide={wide || undefined}>
      <table className="detail-table" data-wide={wide || undefined} role="table">
        <caption className="visually-hidden">Details for “{title}”</caption>
        <thead role="rowgroup">
          <tr role="row">
            {detail.columns.map((c, i) => (
              <th key={i} scope="col" role="columnheader" className={numeric[i] ? "num" : undefined}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody role="rowgroup">
          {detail.rows.map((row, r) => (
            <tr key={r} role="row">
              {row.map((cell, i) =>
                i === 0 ? (
                  <th key={i} scope="row" role="rowheader">
                    {cell}
                  </th>
                ) : (
                  <td key={i} role="cell" className={numeric[i] ? "num" : undefined} data-label={detail.columns[i]}>
                    {cell}
                  </td>
                ),
              )}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
