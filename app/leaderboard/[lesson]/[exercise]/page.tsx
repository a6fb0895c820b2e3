import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getLesson } from "@/app/course";
import { currentLearnerId } from "@/app/session";
import { leaderboardRuns } from "@/db";
import { LocalTime } from "@/components/dashboard/LocalTime";
import { rankSmallest } from "@/lib/dashboard/leaderboard";
import { exerciseHref } from "@/lib/dashboard/learner-summary";
import { formatBytes } from "@/lib/report";
import "@/components/dashboard/dashboard.css";

export const metadata: Metadata = { title: "Leaderboard" };

type Props = { params: Promise<{ lesson: string; exercise: string }> };

/** Smallest passing final image per opted-in learner, for one exercise. */
export default async function LeaderboardPage({ params }: Props) {
  const { lesson: slug, exercise: name } = await params;
  const lesson = await getLesson(slug);
  const exercise = lesson?.exercises.find((e) => e.name === name);
  if (!lesson || !exercise) notFound();
  const [{ runs, names }, me] = await Promise.all([leaderboardRuns(exercise.id), currentLearnerId()]);
  const board = rankSmallest(runs, names);
  const smallest = board[0]?.imageBytes ?? 1;
  return (
    <div className="dash">
      <nav className="crumbs" aria-label="Breadcrumb">
        <Link href={exerciseHref(lesson.slug, exercise.name)}>← {exercise.title}</Link>
      </nav>
      <header className="dash-header">
        <p className="eyebrow-text">Leaderboard · Lesson {lesson.order}</p>
        <h1>Smallest image: {exercise.title}</h1>
        <p className="dash-lede">
          Each learner&apos;s smallest final image among their passing runs; equal sizes go to whoever got there first. Only learners who opted in
          on <Link href="/me#leaderboard">their progress page</Link> are listed.
        </p>
      </header>
      {board.length === 0 ? (
        <p className="panel-empty">Nobody is on this board yet. Pass the exercise and opt in to be the first.</p>
      ) : (
        <ol className="leaderboard" aria-label="Leaderboard">
          {board.map((e) => (
            <li key={e.learnerId} className="leader-row" aria-current={e.learnerId === me ? "true" : undefined}>
              <span className="leader-rank">{e.rank}</span>
              <span className="leader-name">
                {e.name}
                {e.learnerId === me ? <span className="badge badge-todo">you</span> : null}
                <span className="cell-sub">
                  <LocalTime iso={e.at.toISOString()} />
                </span>
              </span>
              <span className="leader-size">
                <strong>{formatBytes(e.imageBytes)}</strong>
                <span className="bar-track" aria-hidden="true">
                  <span className="bar-fill" style={{ width: `${Math.max(2, Math.min(100, (smallest / e.imageBytes) * 100))}%` }} />
                </span>
              </span>
            </li>
          ))}
        </ol>
      )}
    </div>
  );
}
