/**
 * Best image per exercise as bars: against the exercise's starter image when its size is known
 * (how much of the monolith is left), else against the largest best image in the list.
 */
import Link from "next/link";
import { formatBytes } from "@/lib/report";
import { leaderboardHref, type ExerciseLine } from "@/lib/dashboard/learner-summary";
import { DoneBadge } from "../DoneBadge";
import { SizeSparkline } from "./SizeSparkline";

export function ExerciseSizes({
  exercises,
  history = {},
}: {
  exercises: ExerciseLine[];
  /** Image size per graded run, oldest first, by exercise id. */
  history?: Record<string, { bytes: number | null; passed: boolean }[] | undefined>;
}) {
  if (exercises.length === 0) return <p className="panel-empty">Nothing here yet: your first passing run puts its image size on this list.</p>;
  const scale = Math.max(1, ...exercises.map((e) => e.starterBytes ?? e.bestImageBytes ?? 0));
  return (
    <ul className="size-list" aria-label="Best image per exercise">
      {exercises.map((e) => {
        const best = e.bestImageBytes;
        const ref = e.starterBytes ?? scale;
        const percent = best === null ? 0 : Math.max(0.5, Math.min(100, (best / ref) * 100));
        return (
          <li key={e.id} className="size-row">
            <div className="size-name">
              <Link href={e.href}>{e.title}</Link>
              <span className="cell-sub">
                Lesson {e.lessonOrder} · {e.lessonTitle}
              </span>
            </div>
            <div className="size-status">
              {e.passedAt ? <DoneBadge label="Passed" /> : <span className="badge badge-todo">Not passed yet</span>}
              <span className="cell-sub">
                {e.attempts} {e.attempts === 1 ? "graded run" : "graded runs"}
                {e.passedAt ? (
                  <>
                    {" · "}
                    <Link href={leaderboardHref(e.lessonSlug, e.name)}>leaderboard</Link>
                  </>
                ) : null}
              </span>
            </div>
            <SizeSparkline runs={history[e.id] ?? []} />
            <div className="size-bar">
              {best !== null ? (
                <>
                  <span className="bar-track" data-scale={e.starterBytes ? "starter" : "list"} aria-hidden="true">
                    <span className="bar-fill" style={{ width: `${percent}%` }} />
                  </span>
                  <span className="size-value">
                    <strong>{formatBytes(best)}</strong>
                    {e.starterBytes ? (
                      <span className="cell-sub">
                        {" "}
                        of {formatBytes(e.starterBytes)} starter
                        {shrinkNote(best, e.starterBytes)}
                      </span>
                    ) : null}
                  </span>
                </>
              ) : (
                <span className="cell-sub">no passing image yet</span>
              )}
            </div>
          </li>
        );
      })}
    </ul>
  );
}

/** "(−38 %)" for a modest cut; "(230× smaller)" once a percentage would round to 100. */
function shrinkNote(best: number, starter: number): string {
  if (best >= starter) return "";
  const cut = 1 - best / starter;
  return cut < 0.9 ? ` (−${Math.round(cut * 100)} %)` : ` (${Math.round(starter / Math.max(1, best))}× smaller)`;
}
