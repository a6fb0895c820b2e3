/**
 * The database's public surface, bound to the process-wide client. Used by the web app's server
 * code and by the runner (plain Node), which is why this file does not `import "server-only"`;
 * nothing here may reach a client bundle all the same.
 */
import type { Role } from "../lib/roles";
import * as accounts from "./accounts";
import { createDb, type Db } from "./client";
import * as classes from "./classes";
import * as dashboard from "./dashboard";
import * as leaderboard from "./leaderboard";
import * as learners from "./learners";
import * as progress from "./progress";
import * as submissions from "./submissions";

export type { Db } from "./client";
export { DbDataError } from "./json-column";
export { RESULT_LOG_MAX_BYTES } from "./submissions";
export type { FinishInput, LatestSubmission, NewSubmission, SubmissionSummary } from "./submissions";
export type { ExerciseProgress } from "./progress";
export type { Claim, UserSummary } from "./accounts";
export { UnknownUserError } from "./accounts";
export type { ExerciseStanding, RunPage, RunSummary } from "./dashboard";
export type { ClassMemberView, ClassSummary, OwnedClass } from "./classes";
export { ClassNameError, CLASS_NAME_MAX } from "./classes";
export { DisplayNameError, DISPLAY_NAME_MAX } from "./leaderboard";

// Next.js dev re-evaluates modules on every edit; keeping the client on globalThis avoids a new
// connection pool per reload.
const globalForDb = globalThis as typeof globalThis & { stagecraftDb?: Db };

/** The shared client; `DATABASE_URL`'s scheme picks SQLite (`file:`) or PostgreSQL. */
export function getDb(): Db {
  globalForDb.stagecraftDb ??= createDb(process.env.DATABASE_URL).db;
  return globalForDb.stagecraftDb;
}

export const ensureLearner = (id?: string) => learners.ensureLearner(getDb(), id);
export const createSubmission = (s: submissions.NewSubmission) => submissions.createSubmission(getDb(), s);
export const markSubmissionRunning = (id: string) => submissions.markSubmissionRunning(getDb(), id);
export const finishSubmission = (id: string, f: submissions.FinishInput) => submissions.finishSubmission(getDb(), id, f);
export const markInterruptedSubmissions = (createdBefore?: Date) => submissions.markInterruptedSubmissions(getDb(), createdBefore);
export const oldestUnfinishedSubmission = () => submissions.oldestUnfinishedSubmission(getDb());
export const getProgress = (learnerId: string) => progress.getProgress(getDb(), learnerId);
export const getLatestSubmission = (learnerId: string, exerciseId: string) =>
  submissions.getLatestSubmission(getDb(), learnerId, exerciseId);
export const listSubmissions = (learnerId: string, exerciseId: string, limit?: number) =>
  submissions.listSubmissions(getDb(), learnerId, exerciseId, limit);
export const getOwnSubmission = (learnerId: string, id: string) => submissions.getOwnSubmission(getDb(), learnerId, id);

export const claimLearner = (userId: string, cookieLearnerId: string | null) =>
  accounts.claimLearner(getDb(), userId, cookieLearnerId);
export const visibleLearnerId = (userId: string | null, cookieLearnerId: string | null) =>
  accounts.visibleLearnerId(getDb(), userId, cookieLearnerId);
export const listUsers = () => accounts.listUsers(getDb());
export const setUserRole = (who: { id: string } | { email: string }, role: Role) => accounts.setUserRole(getDb(), who, role);
export const getUserRole = (userId: string) => accounts.getUserRole(getDb(), userId);

// Dashboards: every read of a learner's runs is scoped by the learner id in the query.
export const listRuns = (learnerId: string, page?: number, pageSize?: number) => dashboard.listRuns(getDb(), learnerId, page, pageSize);
export const listStanding = (learnerIds: string[]) => dashboard.listStanding(getDb(), learnerIds);
export const latestExerciseId = (learnerId: string) => dashboard.latestExerciseId(getDb(), learnerId);
export const starterImageSizes = (starters: { exerciseId: string; dockerfile: string }[]) => dashboard.starterImageSizes(getDb(), starters);
export const listClassRuns = (learnerIds: string[]) => dashboard.listClassRuns(getDb(), learnerIds);

// Classes: instructor reads are scoped by the owner's user id in the query.
export const createClass = (ownerId: string, name: string) => classes.createClass(getDb(), ownerId, name);
export const listOwnedClasses = (ownerId: string) => classes.listOwnedClasses(getDb(), ownerId);
export const getOwnedClass = (ownerId: string, classId: string) => classes.getOwnedClass(getDb(), ownerId, classId);
export const findClassByInvite = (code: string) => classes.findClassByInvite(getDb(), code);
export const joinClass = (userId: string, code: string) => classes.joinClass(getDb(), userId, code);
export const listJoinedClasses = (userId: string) => classes.listJoinedClasses(getDb(), userId);

export const leaderboardRuns = (exerciseId: string) => leaderboard.leaderboardRuns(getDb(), exerciseId);
export const setLeaderboardChoice = (userId: string, optIn: boolean, displayName: string) =>
  leaderboard.setLeaderboardChoice(getDb(), userId, optIn, displayName);
export const getLeaderboardChoice = (userId: string) => leaderboard.getLeaderboardChoice(getDb(), userId);
