import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { classDashboard } from "@/app/class-data";
import { requireRole } from "@/app/session";
import { InviteLink } from "@/components/dashboard/InviteLink";
import { LocalTime } from "@/components/dashboard/LocalTime";
import { Meter } from "@/components/dashboard/Meter";
import { formatPercent, formatSpan } from "@/lib/dashboard/format";
import "@/components/dashboard/dashboard.css";

export const metadata: Metadata = { title: "Class" };

type Props = { params: Promise<{ id: string }> };

export default async function ClassPage({ params }: Props) {
  const { id } = await params;
  const user = await requireRole("instructor", `/instructor/classes/${id}`);
  const data = await classDashboard(user.id, id);
  if (!data) notFound();
  const { cls, learners, exercises, failing, totals } = data;
  const maxFailures = Math.max(1, ...failing.map((f) => f.count));
  return (
    <div className="dash">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/instructor">← Your classes</Link>
      </nav>
      <header className="dash-header class-header">
        <div>
          <p className="eyebrow-text">Class</p>
          <h1>{cls.name}</h1>
        </div>
        <a className="btn" href={`/instructor/classes/${cls.id}/export`} download>
          Export CSV
        </a>
      </header>
      <InviteLink code={cls.inviteCode} />

      <section className="stat-tiles dash-section" aria-label="Class summary">
        <div className="stat-tile">
          <span className="stat-label">Learners</span>
          <span className="stat-value">{totals.learners}</span>
        </div>
        <div className="stat-tile">
          <span className="stat-label">Runs</span>
          <span className="stat-value">{totals.runs}</span>
        </div>
        <div className="stat-tile">
          <span className="stat-label">Pass rate</span>
          <span className="stat-value">{formatPercent(totals.passRate)}</span>
          <span className="meter" aria-hidden="true">
            <span style={{ width: `${Math.round((totals.passRate ?? 0) * 100)}%` }} />
          </span>
        </div>
      </section>

      <section className="dash-section" aria-labelledby="learners-title">
        <h2 id="learners-title">Learners</h2>
        {learners.length === 0 ? (
          <p className="panel-empty">Nobody has joined yet. Share the invite link above.</p>
        ) : (
          <table className="dash-table">
            <caption className="visually-hidden">Each learner&apos;s progress</caption>
            <thead>
              <tr>
                <th scope="col">Learner</th>
                <th scope="col">Exercises passed</th>
                <th scope="col" className="num">
                  Lessons done
                </th>
                <th scope="col" className="num">
                  Runs
                </th>
                <th scope="col">Last run</th>
              </tr>
            </thead>
            <tbody>
              {learners.map((l) => (
                <tr key={l.userId}>
                  <th scope="row">
                    <Link href={`/instructor/classes/${cls.id}/learners/${l.userId}`}>{l.name}</Link>
                    <span className="cell-sub">{l.email}</span>
                  </th>
                  <td data-label="Exercises passed">
                    <Meter ratio={l.exercisesPassed / Math.max(1, totals.exercisesTotal)} text={`${l.exercisesPassed} of ${totals.exercisesTotal}`} tone="pass" />
                  </td>
                  <td data-label="Lessons done" className="num">
                    {l.lessonsDone} of {totals.lessonsTotal}
                  </td>
                  <td data-label="Runs" className="num">
                    {l.runs}
                  </td>
                  <td data-label="Last run">{l.lastRunAt ? <LocalTime iso={l.lastRunAt.toISOString()} /> : "—"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="dash-section" aria-labelledby="exercises-title">
        <h2 id="exercises-title">Exercises</h2>
        <p className="dash-note">
          Pass rate: passing runs of all graded runs. Time to pass: a learner&apos;s first run of the exercise to their first passing one (median over those who passed).
        </p>
        {exercises.length === 0 ? (
          <p className="panel-empty">No runs yet.</p>
        ) : (
          <table className="dash-table">
            <caption className="visually-hidden">Per exercise: who passed, submissions, pass rate and time to pass</caption>
            <thead>
              <tr>
                <th scope="col">Exercise</th>
                <th scope="col">Learners passed</th>
                <th scope="col" className="num">
                  Submissions
                </th>
                <th scope="col">Pass rate</th>
                <th scope="col" className="num">
                  Median time to pass
                </th>
              </tr>
            </thead>
            <tbody>
              {exercises.map((e) => (
                <tr key={e.exerciseId}>
                  <th scope="row">
                    <Link href={e.href}>{e.title}</Link>
                    <span className="cell-sub">
                      Lesson {e.lessonOrder} · {e.lessonTitle}
                    </span>
                  </th>
                  <td data-label="Learners passed">
                    <Meter ratio={e.learnersPassed / Math.max(1, e.learnersTried)} text={`${e.learnersPassed} of ${e.learnersTried}`} tone="pass" />
                  </td>
                  <td data-label="Submissions" className="num">
                    {e.submissions}
                  </td>
                  <td data-label="Pass rate">
                    <Meter ratio={e.passRate} text={formatPercent(e.passRate)} />
                  </td>
                  <td data-label="Median time to pass" className="num">
                    {formatSpan(e.medianTimeToPassMs)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="dash-section" aria-labelledby="failing-title">
        <h2 id="failing-title">Checks that fail most</h2>
        {failing.length === 0 ? (
          <p className="panel-empty">No failing checks yet.</p>
        ) : (
          <table className="dash-table">
            <caption className="visually-hidden">Checks by number of failing runs</caption>
            <thead>
              <tr>
                <th scope="col">Check</th>
                <th scope="col">Failures</th>
                <th scope="col" className="num">
                  Learners
                </th>
              </tr>
            </thead>
            <tbody>
              {failing.map((f) => (
                <tr key={`${f.exerciseId}/${f.checkId}`}>
                  <th scope="row">
                    {f.title}
                    <span className="cell-sub">
                      {f.exerciseTitle} · <code>{f.checkId}</code>
                    </span>
                  </th>
                  <td data-label="Failures" data-wide>
                    <Meter ratio={f.count / maxFailures} text={`${f.count} ${f.count === 1 ? "run" : "runs"}`} tone="fail" />
                  </td>
                  <td data-label="Learners" className="num">
                    {f.learners}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
    </div>
  );
}
