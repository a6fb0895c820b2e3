import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { learnerRun } from "@/app/dashboard-data";
import { currentLearnerId } from "@/app/session";
import { RunReport } from "@/components/dashboard/RunReport";
import "@/components/dashboard/dashboard.css";

export const metadata: Metadata = { title: "Run" };

type Props = { params: Promise<{ id: string }> };

/** One of the signed-in learner's runs. Someone else's run id is a 404, not a 403: it does not say the run exists. */
export default async function LearnerRunPage({ params }: Props) {
  const found = await learnerRun(await currentLearnerId(), (await params).id);
  if (!found) notFound();
  const { run, names, href } = found;
  return (
    <div className="dash">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href="/me">← Your progress</Link>
      </nav>
      <header className="dash-header">
        <p className="eyebrow-text">{names?.lessonTitle ?? "Run"}</p>
        <h1>{names?.title ?? run.exerciseId}</h1>
        {href ? (
          <Link href={href} className="dash-header-link">
            Open the exercise →
          </Link>
        ) : null}
      </header>
      <RunReport run={run} />
    </div>
  );
}
