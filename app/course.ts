/** The course as the web app serves it: from LESSONS_DIR, the same folder the runner grades. */
import "server-only";
import { loadCourse, loadLesson } from "@/lib/lessons/load";
import { env } from "./app-env";

export const getCourse = () => loadCourse(env.LESSONS_DIR);
export const getLesson = (slug: string) => loadLesson(slug, env.LESSONS_DIR);
