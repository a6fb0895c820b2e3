import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { getCourse, getLesson } from "@/app/course";
import { latestSubmission, passedExerciseIds } from "@/app/learner";
import { currentLearnerId } from "@/app/session";
import { DoneBadge } from "@/components/DoneBadge";
import { leaderboardHref } from "@/lib/dashboard/learner-summary";
import { checkLessonCompiles, compileLesson } from "@/components/mdx/compile-lesson";
import { lessonComponents } from "@/components/mdx/lesson-components";
import { Workbench } from "@/components/workbench/Workbench";
import { toLatestSubmissionView, toWorkbenchExercise } from "@/components/workbench/exercise-view";

type Props = {
  params: Promise<{ slug: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
};

/**
 * Every lesson, validated and compiled at build time: a content mistake (bad frontmatter, a
 * missing exercise file, MDX that does not parse) fails `next build` with the file path.
 */
export async function generateStaticParams() {
  const course = await getCourse();
  await Promise.all(course.map(checkLessonCompiles));
  return course.map((lesson) => ({ slug: lesson.slug }));
}

export const dynamicParams = false;

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const lesson = await getLesson((await params).slug);
  return lesson ? { title: lesson.title, description: lesson.summary } : {};
}

export default async function LessonPage({ params, searchParams }: Props) {
  const { slug } = await params;
  const lesson = await getLesson(slug);
  if (!lesson) notFound();

  // Several exercises per lesson are allowed: `?exercise=<folder>` picks one, default the first.
  const wanted = (await searchParams).exercise;
  const exercise = lesson.exercises.find((e) => e.name === wanted) ?? lesson.exercises[0];

  const learnerId = await currentLearnerId();
  const [Body, passed, latest, course] = await Promise.all([
    compileLesson(lesson),
    passedExerciseIds(learnerId),
    exercise ? latestSubmission(learnerId, exercise.id) : null,
    getCourse(),
  ]);
  const lessonDone = lesson.exercises.length > 0 && lesson.exercises.every((e) => passed.has(e.id));
  const index = course.findIndex((l) => l.slug === lesson.slug);
  const next = course[index + 1];

  return (
    <div className="lesson-layout">
      <article className="prose" aria-labelledby="lesson-title">
        <header className="lesson-header">
          <div className="eyebrow">
            <span>Lesson {lesson.order}</span>
            <span aria-hidden="true">·</span>
            <span>{lesson.minutes} min</span>
            {lessonDone ? <DoneBadge label="Lesson done" /> : null}
          </div>
          <h1 id="lesson-title">{lesson.title}</h1>
          {exercise ? (
            <a className="jump-to-exercise" href="#exercise">
              Go to the exercise ↓
            </a>
          ) : null}
        </header>
        <Body components={lessonComponents} />
        {next ? (
          <nav className="lesson-next" aria-label="Next lesson">
            <span>Next</span>
            <Link href={`/lessons/${next.slug}`}>{next.title} →</Link>
          </nav>
        ) : null}
      </article>
      <div className="workbench-column" id="exercise">
        {lesson.exercises.length > 1 ? (
          <nav className="exercise-picker" aria-labelledby="exercise-picker-title">
            <p className="exercise-picker-title" id="exercise-picker-title">
              Exercises in this lesson
            </p>
            <ol>
              {lesson.exercises.map((e, i) => (
                <li key={e.id}>
                  {/* scroll={false}: on a phone the picker is far down the page; stay by it, not at the top. */}
                  <Link
                    href={`/lessons/${lesson.slug}?exercise=${e.name}`}
                    scroll={false}
                    aria-current={e.id === exercise?.id ? "page" : undefined}
                  >
                    <span className="exercise-picker-num" aria-hidden="true">
                      {i + 1}
                    </span>
                    <span className="exercise-picker-name">{e.title}</span>
                    {passed.has(e.id) ? (
                      <span className="exercise-picker-done">
                        <span aria-hidden="true">✓</span>
                        <span className="visually-hidden"> (done)</span>
                      </span>
                    ) : null}
                  </Link>
                </li>
              ))}
            </ol>
          </nav>
        ) : null}
        {exercise ? (
          <>
            <Workbench
              key={exercise.id}
              exercise={toWorkbenchExercise(exercise)}
              passed={passed.has(exercise.id)}
              latest={toLatestSubmissionView(latest)}
            />
            <p className="leaderboard-link">
              <Link href={leaderboardHref(lesson.slug, exercise.name)}>Leaderboard: the smallest passing images →</Link>
            </p>
          </>
        ) : (
          <p className="workbench panel-empty">This lesson has no exercise.</p>
        )}
      </div>
    </div>
  );
}
