/**
 * What the runner's engine tests (and the browser tests' stack) share: the fixture course, a
 * temporary migrated SQLite database, a way to read a Submission as any later reader would, a free
 * port, and a look at the host's processes. Test-only.
 */
import Database from "better-sqlite3";
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { expect } from "vitest";
import { migrateDeploy } from "../../db/migrate-deploy";
import { CheckSpec } from "../../lib/checks";
import type { Exercise } from "../../lib/lessons/schema";
import type { Docker } from "./engine";
import type { RunOutcome } from "./run-pipeline";

/** A one-lesson course whose exercise builds on `stagecraft/busybox:1.35` in a second or two. */
export const FIXTURE_LESSONS_DIR = path.join(import.meta.dirname, "__fixtures__/lessons");
export const FIXTURE_EXERCISE_ID = "runner/hello";
/** Its passing solution. */
export const FIXTURE_SOLUTION = `FROM stagecraft/busybox:1.35
COPY greeting.txt /greeting.txt
USER 10001:10001
CMD ["cat", "/greeting.txt"]
`;

export type TempDatabase = { dir: string; file: string; url: string; remove(): Promise<void> };

/** A fresh SQLite file in its own temporary folder, migrated the way `db:migrate` does it. */
export async function migratedTempDatabase(prefix: string): Promise<TempDatabase> {
  const dir = await mkdtemp(path.join(tmpdir(), prefix));
  const file = path.join(dir, "runner.db");
  const url = `file:${file}`;
  migrateDeploy(url);
  return { dir, file, url, remove: () => rm(dir, { recursive: true, force: true }) };
}

export type SubmissionRow = { state: string; errorCode: string | null; errorMessage: string | null; log: string | null };

/** Read straight from the file with a separate connection: what the lesson page would read. */
export function readSubmission(file: string, id: string): SubmissionRow | undefined {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare(
        `SELECT s.state AS state, s.errorCode AS errorCode, s.errorMessage AS errorMessage, r.log AS log
         FROM "Submission" s LEFT JOIN "Result" r ON r."submissionId" = s.id WHERE s.id = ?`,
      )
      .get(id) as SubmissionRow | undefined;
  } finally {
    db.close();
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}

/**
 * Command lines of host processes that contain `marker` (or equal it, with `exact`): how the
 * tests see that a build step's process really ended. A distinctive `sleep N` makes a good marker,
 * since busybox `sh -c "a && b"` execs its last command.
 */
export async function hostProcesses(marker: string, opts: { exact?: boolean } = {}): Promise<string[]> {
  return (await matchingProcesses(marker, opts)).map((p) => p.args);
}

/** The ids of the host processes `hostProcesses` finds, e.g. to read their cgroup. */
export async function hostProcessIds(marker: string, opts: { exact?: boolean } = {}): Promise<number[]> {
  return (await matchingProcesses(marker, opts)).map((p) => p.pid);
}

async function matchingProcesses(marker: string, opts: { exact?: boolean }): Promise<{ pid: number; args: string }[]> {
  const { stdout } = await promisify(execFile)("ps", ["-eo", "pid=,args="]);
  return stdout
    .split("\n")
    .map((line) => /^\s*(\d+)\s(.*)$/.exec(line))
    .flatMap((m) => (m ? [{ pid: Number(m[1]), args: m[2]! }] : []))
    .filter(({ args }) => (opts.exact ? args.trim() === marker : args.includes(marker) && !args.includes("ps -eo")));
}

export type ExerciseFiles = { files: Record<string, string>; checks: unknown[]; starter?: string; solution?: string };

/**
 * An exercise written to `root/<name>/context` (busybox starter and solution unless given), for
 * engine tests that grade through the real pipeline. Check specs get ids, titles and hints.
 */
export async function writeExercise(root: string, name: string, opts: ExerciseFiles): Promise<Exercise> {
  const dir = path.join(root, name);
  for (const [file, text] of Object.entries(opts.files)) {
    await mkdir(path.dirname(path.join(dir, "context", file)), { recursive: true });
    await writeFile(path.join(dir, "context", file), text);
  }
  const checks = opts.checks.map((c, i) => CheckSpec.parse({ id: `c${i}`, title: `Check ${i}`, hint: "hint", ...(c as object) }));
  return {
    id: `engine/${name}`,
    lessonSlug: "engine",
    name,
    dir,
    title: name,
    prompt: "p",
    hints: ["h"],
    checks,
    starter: opts.starter ?? "FROM stagecraft/busybox:1.35\n",
    solution: opts.solution ?? "FROM stagecraft/busybox:1.35\n",
    contextFiles: Object.keys(opts.files).sort(),
  };
}

/** A run's image and every variant and stage-weighing build's image are gone from the engine after the run. */
export async function expectImagesGone(docker: Docker, outcome: RunOutcome): Promise<void> {
  for (const tag of [outcome.imageTag, ...(outcome.variantTags ?? []), ...(outcome.insightTags ?? [])]) {
    expect(tag).toMatch(/^stagecraft-run\/[0-9a-f]{32}:latest$/);
    await expect(docker.getImage(tag!).inspect(), `${tag} left behind`).rejects.toMatchObject({ statusCode: 404 });
  }
}

/**
 * A Dockerfile that finishes one step (a cache record remains) and then runs `sleep seconds`
 * until it is stopped. `marker` appears in both RUN lines, so the test can find the build's cache
 * records by their description, and `sleep <seconds>` is the host process to look for.
 */
export function slowDockerfile(marker: string, sleepSeconds: number): string {
  return `FROM stagecraft/busybox:1.35
RUN echo ${marker}-first > /first
RUN echo ${marker}-slow && sleep ${sleepSeconds}
`;
}

type CacheRecordInfo = { ID: string; Description?: string; InUse?: boolean };

/** Build cache records on `docker`'s engine whose description (the RUN text) contains `marker`. */
export async function cacheRecordsMentioning(
  docker: { df(): Promise<unknown> },
  marker: string,
): Promise<CacheRecordInfo[]> {
  const df = (await docker.df()) as { BuildCache?: CacheRecordInfo[] | null };
  return (df.BuildCache ?? []).filter((r) => (r.Description ?? "").includes(marker));
}

/** Waits until `sleep <seconds>` runs on the host (a build reached its slow step). */
export async function waitForHostProcess(marker: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if ((await hostProcesses(marker, { exact: true })).length > 0) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`no host process "${marker}" within ${timeoutMs} ms`);
}

/** Every row of the tables that hold learners' work, read with a separate connection (SQLite). */
export function learnerTables(file: string): Record<"Learner" | "Submission" | "Result" | "Progress", unknown[]> {
  const db = new Database(file, { readonly: true });
  try {
    const all = (table: string, order: string) => db.prepare(`SELECT * FROM "${table}" ORDER BY ${order}`).all();
    return {
      Learner: all("Learner", "id"),
      Submission: all("Submission", "id"),
      Result: all("Result", `"submissionId"`),
      Progress: all("Progress", `"learnerId", "exerciseId"`),
    };
  } finally {
    db.close();
  }
}
