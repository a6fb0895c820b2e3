import Link from "next/link";
import { getCourse } from "./course";
import { passedExerciseIds } from "./learner";
import { currentLearnerId } from "./session";
import { DoneBadge } from "@/components/DoneBadge";

export default async function CourseIndex() {
  const [lessons, passed] = await Promise.all([getCourse(), currentLearnerId().then(passedExerciseIds)]);
  return (
    <div className="course">
      <h1>Multi-stage Docker builds</h1>
      <p className="course-lede">
        Build real images in a sandbox, watch every layer, and shrink them step by step: a builder stage
        with the whole toolchain, a runtime stage with only what runs.
      </p>
      <ol className="lesson-list" aria-label="Lessons">
        {lessons.map((lesson) => {
          const done = lesson.exercises.length > 0 && lesson.exercises.every((e) => passed.has(e.id));
          return (
            <li key={lesson.slug}>
              <Link href={`/lessons/${lesson.slug}`} className="lesson-card">
                <span className="lesson-num" aria-hidden="true">
                  {String(lesson.order).padStart(2, "0")}
                </span>
                <div>
                  <h2>{lesson.title}</h2>
                  <p>{lesson.summary}</p>
                </div>
                <div className="lesson-meta">
                  <span>{lesson.minutes} min</span>
                  {done ? <DoneBadge /> : null}
                </div>
              </Link>
            </li>
          );
        })}
      </ol>
    </div>
  );
}
