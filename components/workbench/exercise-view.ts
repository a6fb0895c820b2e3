/**
 * What the browser gets of an exercise: the texts the workbench shows, no file paths or check
 * internals. (The solution is included on purpose: "Show solution" is a feature.)
 */
import type { Exercise } from "@/lib/lessons/schema";
import type { CheckResult } from "@/lib/checks";
import type { ImageReport } from "@/lib/report";

export type WorkbenchExercise = {
  id: string;
  lessonSlug: string;
  title: string;
  prompt: string;
  hints: string[];
  starter: string;
  solution: string;
  checkTitles: string[];
};

/** The learner's latest stored submission, to restore the editor and results after a reload. */
export type LatestSubmissionView = {
  dockerfile: string;
  state: string;
  report: ImageReport | null;
  checks: CheckResult[] | null;
  /** Tail of the stored build log, replayed into the terminal after a reload. */
  log: string | null;
};

/** How much of a stored log the page carries: the tail, where the outcome and errors are. */
const LOG_TAIL_CHARS = 32 * 1024;

type StoredSubmission = {
  dockerfile: string;
  state: string;
  result: { report: ImageReport | null; checks: CheckResult[]; log: string } | null;
};

export function toLatestSubmissionView(s: StoredSubmission | null): LatestSubmissionView | null {
  if (!s) return null;
  const log = s.result?.log ?? "";
  return {
    dockerfile: s.dockerfile,
    state: s.state,
    report: s.result?.report ?? null,
    checks: s.result?.checks ?? null,
    log: log ? log.slice(-LOG_TAIL_CHARS) : null,
  };
}

export function toWorkbenchExercise(e: Exercise): WorkbenchExercise {
  return {
    id: e.id,
    lessonSlug: e.lessonSlug,
    title: e.title,
    prompt: e.prompt,
    hints: e.hints,
    starter: e.starter,
    solution: e.solution,
    checkTitles: e.checks.map((c) => c.title),
  };
}
