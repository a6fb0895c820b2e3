/**
 * The database stops while the runner is up. A private PostgreSQL cluster (private-postgres.ts)
 * migrated with the project's migrations, and a runner wired as `main.ts` wires it, building on
 * the shared engine under a unique RUNNER_INSTANCE.
 *
 * While the database is down the runner refuses new runs with `database_unavailable` and a plain
 * message, and `/health` says the database is unreachable. A run that was already building goes
 * on: its Dockerfile was stored when it was accepted, the learner sees the result live, and the
 * result is held in memory and written as soon as the database answers again. When the cluster is
 * back the runner recovers by itself (no restart) and the next run is stored.
 */
import { randomBytes, randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../lib/token";
import { HealthReport } from "./health";
import { startRunner, type StartedRunner } from "./main";
import { privatePostgresUnavailable, startPrivatePostgres, type PrivatePostgres } from "./private-postgres";
import { connectClient } from "./test-client";
import { FIXTURE_EXERCISE_ID as exerciseId, FIXTURE_LESSONS_DIR as lessonsDir, FIXTURE_SOLUTION, freePort } from "./test-support";

const unavailable = await privatePostgresUnavailable();
const secret = `db-outage-secret-${randomBytes(8).toString("hex")}`;
const origin = "http://localhost:3996";
const instance = `dbout-${randomBytes(4).toString("hex")}`;
/** The solution with a few seconds' step first, long enough to stop the database during it. */
const SLOW_SOLUTION = FIXTURE_SOLUTION.replace(
  "COPY greeting.txt",
  `RUN echo ${instance} && sleep 5\nCOPY greeting.txt`,
);

let cluster: PrivatePostgres | null = null;
let started: StartedRunner | null = null;
let wsUrl: string;
let healthUrl: string;
const notes: string[] = [];

async function client(learner: string) {
  return connectClient(wsUrl, { origin, token: await signToken(learner, secret) });
}

/** One statement over a fresh connection, as the web app (or an operator) would run it. */
async function sql<T>(text: string, values: unknown[]): Promise<T[]> {
  const db = new pg.Client({ connectionString: cluster!.url });
  await db.connect();
  try {
    return (await db.query(text, values)).rows as T[];
  } finally {
    await db.end();
  }
}

/** A Submission, with whether it has a Result. */
async function submission(id: string) {
  const rows = await sql<{ state: string; errorCode: string | null; dockerfile: string; hasResult: boolean }>(
    `SELECT s.state, s."errorCode", s.dockerfile, r."submissionId" IS NOT NULL AS "hasResult"
     FROM "Submission" s LEFT JOIN "Result" r ON r."submissionId" = s.id WHERE s.id = $1`,
    [id],
  );
  return rows[0];
}

async function health() {
  const res = await fetch(healthUrl);
  return { status: res.status, report: HealthReport.parse(await res.json()) };
}

let runnerEnv: Record<string, string>;
const startOurRunner = () =>
  startRunner({ env: runnerEnv, log: { info: (m) => void notes.push(m), warn: (m) => void notes.push(m) } });

beforeAll(async () => {
  if (unavailable) return;
  cluster = await startPrivatePostgres();
  const port = await freePort();
  runnerEnv = {
    DATABASE_URL: cluster.url,
    STAGECRAFT_SECRET: secret,
    APP_ORIGINS: origin,
    RUNNER_HOST: "127.0.0.1",
    RUNNER_PORT: String(port),
    LESSONS_DIR: lessonsDir,
    RUNNER_INSTANCE: instance,
    RUNNER_BUILD_CGROUP: "none",
  };
  started = await startOurRunner();
  wsUrl = `ws://127.0.0.1:${port}`;
  healthUrl = `http://127.0.0.1:${port}/health`;
});

afterAll(async () => {
  await started?.stop();
  await cluster?.remove();
});

describe.skipIf(unavailable)(`database stops under a running runner${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  it("refuses new runs while it is down, keeps the running one, and recovers without a restart", async () => {
    const c = await client("learner-db");
    const first = c.start(exerciseId, FIXTURE_SOLUTION);
    expect(await c.next("finished", first, 120_000)).toMatchObject({ state: "passed" });
    expect(await submission(first)).toMatchObject({ state: "passed", hasResult: true });

    // A run is building when the database goes away.
    const building = c.start(exerciseId, SLOW_SOLUTION);
    await c.next("accepted", building);
    const slowStep = async () => {
      for (;;) {
        const step = await c.next("step", building, 60_000);
        if (step.step.name.includes(instance)) return;
      }
    };
    await slowStep();
    await cluster!.stop();

    // The learner still gets the whole run live; only storing its result waits.
    expect(await c.next("finished", building, 120_000)).toMatchObject({ state: "passed" });
    expect(notes).toContain(`could not store the result of ${building}; retrying until the database answers`);

    // New work is refused, with a typed, plain answer; health says why.
    const refused = c.start(exerciseId, FIXTURE_SOLUTION);
    expect(await c.next("error", refused, 30_000)).toMatchObject({
      code: "database_unavailable",
      message: expect.stringMatching(/^Progress can't be saved right now .*Your Dockerfile is still in the editor/),
    });
    const down = await health();
    expect(down.status).toBe(503);
    expect(down.report).toMatchObject({ ok: false, database: { reachable: false }, engine: { reachable: true } });

    await cluster!.start();
    // No restart: the next health check finds the database, and the held result is written.
    await expect.poll(async () => (await health()).status, { timeout: 30_000, interval: 500 }).toBe(200);
    await expect.poll(() => submission(building), { timeout: 15_000 }).toMatchObject({
      state: "passed",
      hasResult: true,
      dockerfile: SLOW_SOLUTION,
    });
    expect(notes).toContain(`stored the result of ${building}, held while the database was unavailable`);
    expect(await submission(refused)).toBeUndefined(); // refused runs never existed
    expect(await submission(first)).toMatchObject({ state: "passed", hasResult: true });

    const after = c.start(exerciseId, FIXTURE_SOLUTION);
    expect(await c.next("finished", after, 120_000)).toMatchObject({ state: "passed" });
    expect(await submission(after)).toMatchObject({ state: "passed", hasResult: true });
    c.ws.close();
  });

  it("a runner started while the database is down marks the previous process's unfinished runs once it answers", async () => {
    // A run a crashed process left `running`.
    const orphan = randomUUID();
    await sql(`INSERT INTO "Learner" (id) VALUES ($1)`, ["learner-orphan"]);
    await sql(`INSERT INTO "Submission" (id, "learnerId", "exerciseId", dockerfile, state) VALUES ($1, $2, $3, $4, 'running')`, [
      orphan,
      "learner-orphan",
      exerciseId,
      FIXTURE_SOLUTION,
    ]);
    await started!.stop();
    await cluster!.stop();
    started = await startOurRunner();
    expect((await health()).status).toBe(503);

    await cluster!.start();
    await expect.poll(async () => (await health()).status, { timeout: 30_000, interval: 500 }).toBe(200);
    expect(await submission(orphan)).toMatchObject({ state: "interrupted", errorCode: "runner_restarted", dockerfile: FIXTURE_SOLUTION });

    const c = await client("learner-orphan");
    const next = c.start(exerciseId, FIXTURE_SOLUTION);
    expect(await c.next("finished", next, 120_000)).toMatchObject({ state: "passed" });
    expect(await submission(next)).toMatchObject({ state: "passed", hasResult: true });
    c.ws.close();
  });
});
