import type { Metadata } from "next";
import Link from "next/link";
import { learnerDashboard } from "@/app/dashboard-data";
import { currentLearnerId, currentUser } from "@/app/session";
import { DISPLAY_NAME_MAX, getLeaderboardChoice, listJoinedClasses } from "@/db";
import { leaderboardChoiceAction } from "./actions";
import { ExerciseSizes } from "@/components/dashboard/ExerciseSizes";
import { RunHistory } from "@/components/dashboard/RunHistory";
import "@/components/dashboard/dashboard.css";

export const metadata: Metadata = { title: "Your progress" };

type Props = { searchParams: Promise<Record<string, string | string[] | undefined>> };

export default async function LearnerDashboardPage({ searchParams }: Props) {
  const params = await searchParams;
  const page = Number(params.page ?? 1);
  const [learnerId, user] = await Promise.all([currentLearnerId(), currentUser()]);
  const [{ summary, runs, names, sizeHistory }, choice, classes] = await Promise.all([
    learnerDashboard(learnerId, Number.isFinite(page) ? page : 1),
    user ? getLeaderboardChoice(user.id) : null,
    user ? listJoinedClasses(user.id) : [],
  ]);
  const joined = classes.find((c) => c.id === params.joined);
  const tried = summary.exercises.filter((e) => e.attempts > 0 || e.bestImageBytes !== null);
  const lessonPct = Math.round((summary.lessonsDone / Math.max(1, summary.lessonsTotal)) * 100);
  const exercisePct = Math.round((summary.exercisesDone / Math.max(1, summary.exercisesTotal)) * 100);
  return (
    <div className="dash">
      <header className="dash-header">
        <h1>Your progress</h1>
        <p className="dash-lede">Every run you made, what it built and how small you got each image.</p>
        {classes.length > 0 ? (
          <p className="cell-sub">
            {classes.length === 1 ? "Class" : "Classes"}: {classes.map((c) => c.name).join(", ")}
          </p>
        ) : null}
      </header>
      {joined ? (
        <p className="notice" role="status">
          You joined {joined.name}. Your teacher now sees your progress.
        </p>
      ) : null}

      <section className="stat-tiles" aria-label="Summary">
        <div className="stat-tile">
          <span className="stat-label">Lessons done</span>
          <span className="stat-value">
            {summary.lessonsDone}
            <span className="stat-of"> of {summary.lessonsTotal}</span>
          </span>
          <span className="meter" role="img" aria-label={`${lessonPct} % of lessons done`}>
            <span style={{ width: `${lessonPct}%` }} />
          </span>
        </div>
        <div className="stat-tile">
          <span className="stat-label">Exercises passed</span>
          <span className="stat-value">
            {summary.exercisesDone}
            <span className="stat-of"> of {summary.exercisesTotal}</span>
          </span>
          <span className="meter" role="img" aria-label={`${exercisePct} % of exercises passed`}>
            <span style={{ width: `${exercisePct}%` }} />
          </span>
        </div>
        <div className="stat-tile">
          <span className="stat-label">Runs</span>
          <span className="stat-value">{runs.total}</span>
        </div>
      </section>

      {summary.current ? (
        <section className="continue-card" aria-labelledby="continue-title">
          <div>
            <p className="eyebrow-text" id="continue-title">
              {runs.total > 0 ? "Pick up where you left off" : "Start here"}
            </p>
            <h2>{summary.current.title}</h2>
            <p className="cell-sub">
              Lesson {summary.current.lessonOrder} · {summary.current.lessonTitle}
              {summary.current.attempts > 0 ? ` · ${summary.current.attempts} graded ${summary.current.attempts === 1 ? "run" : "runs"} so far` : ""}
            </p>
          </div>
          <Link className="btn btn-primary" href={summary.current.href}>
            Open the exercise →
          </Link>
        </section>
      ) : (
        <section className="continue-card" data-done="true">
          <h2>Every exercise passed. Well built.</h2>
        </section>
      )}

      <section className="dash-section" aria-labelledby="sizes-title">
        <h2 id="sizes-title">Best image per exercise</h2>
        <ExerciseSizes exercises={tried} history={sizeHistory} />
      </section>

      <section className="dash-section" id="leaderboard" aria-labelledby="lb-title">
        <h2 id="lb-title">Leaderboards</h2>
        {user && choice ? (
          <form action={leaderboardChoiceAction} className="lb-form">
            <label className="lb-toggle">
              <input type="checkbox" name="optIn" defaultChecked={choice.optIn} />
              <span>Show my smallest passing images on the exercise leaderboards</span>
            </label>
            <label className="lb-name">
              <span>Name shown there</span>
              <input
                name="displayName"
                defaultValue={choice.displayName ?? ""}
                maxLength={DISPLAY_NAME_MAX}
                placeholder="anonymous learner"
                className="invite-input"
              />
            </label>
            <button type="submit" className="btn">
              Save
            </button>
            {typeof params.error === "string" ? (
              <p className="form-error" role="alert">
                {params.error}
              </p>
            ) : params.saved ? (
              <p className="cell-sub" role="status">
                Saved.
              </p>
            ) : null}
            <p className="cell-sub lb-help">Your email is never shown. Leave the name empty to appear as “anonymous learner”.</p>
          </form>
        ) : (
          <p className="panel-empty">
            <Link href="/sign-up?next=%2Fme%23leaderboard">Sign up</Link> to put your smallest images on the leaderboards (and keep your progress on
            any device).
          </p>
        )}
      </section>

      <section className="dash-section" aria-labelledby="history-title">
        <h2 id="history-title">Run history</h2>
        <RunHistory page={runs} exercises={names} runHref={(id) => `/me/runs/${id}`} pageHref={(p) => `/me?page=${p}`} />
      </section>
    </div>
  );
}
