import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { classLearner } from "@/app/class-data";
import { requireRole } from "@/app/session";
import { LocalTime } from "@/components/dashboard/LocalTime";
import { RunHistory } from "@/components/dashboard/RunHistory";
import { formatSpan } from "@/lib/dashboard/format";
import { formatBytes } from "@/lib/report";
import { DoneBadge } from "@/components/DoneBadge";
import "@/components/dashboard/dashboard.css";

export const metadata: Metadata = { title: "Learner" };

type Props = {
  params: Promise<{ id: string; userId: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

export default async function ClassLearnerPage({ params, searchParams }: Props) {
  const { id, userId } = await params;
  const user = await requireRole("instructor", `/instructor/classes/${id}/learners/${userId}`);
  const page = Number((await searchParams).page ?? 1);
  const data = await classLearner(user.id, id, userId, Number.isFinite(page) ? page : 1);
  if (!data) notFound();
  const { cls, member, exercises, runs, names } = data;
  const base = `/instructor/classes/${cls.id}/learners/${member.userId}`;
  return (
    <div className="dash">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={`/instructor/classes/${cls.id}`}>← {cls.name}</Link>
      </nav>
      <header className="dash-header">
        <p className="eyebrow-text">Learner</p>
        <h1>{member.name}</h1>
        <p className="dash-lede">
          {member.email} · joined <LocalTime iso={member.joinedAt.toISOString()} />
        </p>
      </header>

      <section className="dash-section" aria-labelledby="ex-title">
        <h2 id="ex-title">Exercises</h2>
        {exercises.length === 0 ? (
          <p className="panel-empty">No runs yet.</p>
        ) : (
          <table className="dash-table">
            <caption className="visually-hidden">This learner&apos;s standing per exercise</caption>
            <thead>
              <tr>
                <th scope="col">Exercise</th>
                <th scope="col">Status</th>
                <th scope="col" className="num">
                  Runs
                </th>
                <th scope="col" className="num">
                  Best image
                </th>
                <th scope="col" className="num">
                  Time to pass
                </th>
              </tr>
            </thead>
            <tbody>
              {exercises.map((e) => (
                <tr key={e.exerciseId}>
                  <th scope="row">
                    {e.title}
                    <span className="cell-sub">
                      Lesson {e.lessonOrder} · {e.lessonTitle}
                    </span>
                  </th>
                  <td data-label="Status">{e.passedAt ? <DoneBadge label="Passed" /> : <span className="badge badge-todo">Not passed yet</span>}</td>
                  <td data-label="Runs" className="num">
                    {e.submissions}
                  </td>
                  <td data-label="Best image" className="num">
                    {e.bestImageBytes === null ? "—" : formatBytes(e.bestImageBytes)}
                  </td>
                  <td data-label="Time to pass" className="num">
                    {formatSpan(e.timeToPassMs)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="dash-section" aria-labelledby="runs-title">
        <h2 id="runs-title">Runs</h2>
        <RunHistory page={runs} exercises={names} runHref={(runId) => `${base}/runs/${runId}`} pageHref={(p) => `${base}?page=${p}`} />
      </section>
    </div>
  );
}
