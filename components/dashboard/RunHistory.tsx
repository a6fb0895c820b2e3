/**
 * A learner's runs, newest first: when, which exercise, outcome, image size, duration. A table on
 * wide screens, one card per run on a phone (dashboard.css), like the lesson tables.
 */
import Link from "next/link";
import type { RunPage } from "@/db";
import { formatBytes } from "@/lib/report";
import { formatMs } from "@/components/workbench/check-detail-model";
import { LocalTime } from "./LocalTime";
import { StateBadge } from "./StateBadge";

export type ExerciseNames = Record<string, { title: string; lessonTitle: string } | undefined>;

export function RunHistory({
  page,
  exercises,
  runHref,
  pageHref,
}: {
  page: RunPage;
  exercises: ExerciseNames;
  runHref: (runId: string) => string;
  pageHref: (page: number) => string;
}) {
  if (page.total === 0) return <p className="panel-empty">No runs yet. Press Run on any exercise and it shows up here.</p>;
  return (
    <>
      <table className="dash-table run-history">
        <caption className="visually-hidden">Runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Exercise</th>
            <th scope="col">When</th>
            <th scope="col">Result</th>
            <th scope="col" className="num">
              Image
            </th>
            <th scope="col" className="num">
              Took
            </th>
          </tr>
        </thead>
        <tbody>
          {page.runs.map((run) => {
            const ex = exercises[run.exerciseId];
            return (
              <tr key={run.id}>
                <th scope="row">
                  <Link href={runHref(run.id)} className="run-link">
                    {ex?.title ?? run.exerciseId}
                  </Link>
                  {ex ? <span className="cell-sub">{ex.lessonTitle}</span> : null}
                </th>
                <td data-label="When">
                  <LocalTime iso={run.createdAt.toISOString()} />
                </td>
                <td data-label="Result">
                  <StateBadge state={run.state} />
                </td>
                <td data-label="Image" className="num">
                  {run.imageBytes === null ? "—" : formatBytes(run.imageBytes)}
                </td>
                <td data-label="Took" className="num">
                  {formatMs(run.durationMs)}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {page.pageCount > 1 ? (
        <nav className="pager" aria-label="Run history pages">
          {page.page > 1 ? <Link href={pageHref(page.page - 1)}>← Newer</Link> : <span aria-hidden="true" />}
          <span>
            Page {page.page} of {page.pageCount}
          </span>
          {page.page < page.pageCount ? <Link href={pageHref(page.page + 1)}>Older →</Link> : <span aria-hidden="true" />}
        </nav>
      ) : null}
    </>
  );
}
