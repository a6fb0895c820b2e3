/**
 * One stored run, read back: outcome, the checks and image report exactly as the lesson page's
 * results panel shows them (the same components), the Dockerfile that was built and the build log.
 */
import type { LatestSubmission } from "@/db";
import { formatBytes } from "@/lib/report";
import { formatMs } from "@/components/workbench/check-detail-model";
import { CheckList, ImageReportView } from "@/components/workbench/ResultsPanel";
import { LocalTime } from "./LocalTime";
import { StateBadge } from "./StateBadge";

export function RunReport({ run }: { run: LatestSubmission }) {
  const report = run.result?.report ?? null;
  const checks = run.result?.checks ?? [];
  const passedCount = checks.filter((c) => c.status === "pass").length;
  return (
    <div className="run-report">
      <dl className="run-facts">
        <div>
          <dt>Result</dt>
          <dd>
            <StateBadge state={run.state} />
          </dd>
        </div>
        <div>
          <dt>Started</dt>
          <dd>
            <LocalTime iso={run.createdAt.toISOString()} />
          </dd>
        </div>
        <div>
          <dt>Took</dt>
          <dd>{formatMs(run.durationMs)}</dd>
        </div>
        <div>
          <dt>Image</dt>
          <dd>{report ? formatBytes(report.sizeBytes) : "not built"}</dd>
        </div>
        {checks.length > 0 ? (
          <div>
            <dt>Checks</dt>
            <dd>
              {passedCount} of {checks.length} passed
            </dd>
          </div>
        ) : null}
      </dl>
      {run.errorMessage ? (
        <p className="run-error" role="note">
          {run.errorMessage}
        </p>
      ) : null}

      <section className="dash-section" aria-labelledby="run-checks">
        <h2 id="run-checks">Checks</h2>
        {checks.length > 0 ? <CheckList checks={checks} pendingTitles={[]} /> : <p className="panel-empty">No checks ran: the run ended before grading.</p>}
      </section>

      {report ? (
        <section className="dash-section" aria-labelledby="run-image">
          <h2 id="run-image">Image</h2>
          <ImageReportView report={report} />
        </section>
      ) : null}

      <section className="dash-section" aria-labelledby="run-dockerfile">
        <h2 id="run-dockerfile">Dockerfile</h2>
        <pre className="run-dockerfile">
          <code>{run.dockerfile}</code>
        </pre>
      </section>

      <section className="dash-section" aria-labelledby="run-log">
        <h2 id="run-log">Build log</h2>
        {run.result?.logTruncated ? <p className="panel-empty">The log was long: this is its end, where errors are.</p> : null}
        {run.result?.log ? (
          <pre className="run-log" tabIndex={0} aria-label="Build log">
            {run.result.log}
          </pre>
        ) : (
          <p className="panel-empty">No build output was stored for this run.</p>
        )}
      </section>
    </div>
  );
}
