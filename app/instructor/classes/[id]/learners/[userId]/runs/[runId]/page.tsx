import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { classRun } from "@/app/class-data";
import { requireRole } from "@/app/session";
import { RunReport } from "@/components/dashboard/RunReport";
import "@/components/dashboard/dashboard.css";

export const metadata: Metadata = { title: "Run" };

type Props = { params: Promise<{ id: string; userId: string; runId: string }> };

/** A class member's run, for the class's instructor only; anything else is a 404. */
export default async function ClassRunPage({ params }: Props) {
  const { id, userId, runId } = await params;
  const user = await requireRole("instructor", `/instructor/classes/${id}/learners/${userId}/runs/${runId}`);
  const found = await classRun(user.id, id, userId, runId);
  if (!found) notFound();
  const { cls, member, run, names } = found;
  return (
    <div className="dash">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={`/instructor/classes/${cls.id}`}>{cls.name}</Link>
        <span aria-hidden="true"> / </span>
        <Link href={`/instructor/classes/${cls.id}/learners/${member.userId}`}>{member.name}</Link>
      </nav>
      <header className="dash-header">
        <p className="eyebrow-text">
          {member.name}&apos;s run · {names?.lessonTitle ?? "Run"}
        </p>
        <h1>{names?.title ?? run.exerciseId}</h1>
      </header>
      <RunReport run={run} />
    </div>
  );
}
