/**
 * The runner as learners meet it: `startRunner` (main.ts's wiring) on a random port, a temporary
 * SQLite database migrated with the project's own migrations, the fixture lessons, and real
 * builds on the real engine. No fakes anywhere.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../lib/token";
import { createDocker } from "./engine";
import { HealthReport } from "./health";
import { startRunner, type StartedRunner } from "./main";
import type { RunOutcome } from "./run-pipeline";
import { connectClient, upgradeStatus } from "./test-client";
import {
  FIXTURE_EXERCISE_ID as exerciseId,
  FIXTURE_LESSONS_DIR as lessonsDir,
  FIXTURE_SOLUTION as SOLUTION,
  freePort,
  hostProcesses,
  migratedTempDatabase,
  readSubmission,
  type TempDatabase,
} from "./test-support";

const secret = "engine-test-secret-0123456789abcdef";
const origin = "http://localhost:3999";
const docker = createDocker("/var/run/docker.sock");

// A distinctive sleep so the test can look for the process on the host.
const SLEEP_SECONDS = 4321;
const SLOW = `FROM stagecraft/busybox:1.35
RUN echo started && sleep ${SLEEP_SECONDS}
`;

let database: TempDatabase;
let started: StartedRunner;
/** Each run's outcome, so leftovers are checked for this file's own image tags only. */
const outcomes = new Map<string, RunOutcome>();

/** The run's own image is gone (other suites may be building on this engine right now). */
async function expectImageGone(runId: string): Promise<void> {
  await expect.poll(() => outcomes.get(runId)?.imageTag, { timeout: 10_000 }).toMatch(/^stagecraft-run\//);
  await expect(docker.getImage(outcomes.get(runId)!.imageTag!).inspect()).rejects.toMatchObject({ statusCode: 404 });
}
let wsUrl: string;

const submission = (id: string) => readSubmission(database.file, id);
const submissionState = async (id: string) => submission(id)?.state;

async function client(learner: string) {
  return connectClient(wsUrl, { origin, token: await signToken(learner, secret) });
}

async function sleepRunning(): Promise<boolean> {
  return (await hostProcesses(`sleep ${SLEEP_SECONDS}`, { exact: true })).length > 0;
}

beforeAll(async () => {
  database = await migratedTempDatabase("sc-runner-engine-");
  const databaseUrl = database.url;
  const port = await freePort();
  started = await startRunner({
    env: {
      DATABASE_URL: databaseUrl,
      STAGECRAFT_SECRET: secret,
      APP_ORIGINS: origin,
      RUNNER_HOST: "127.0.0.1",
      RUNNER_PORT: String(port),
      LESSONS_DIR: lessonsDir,
    },
    // Other suites may be building on this engine right now: do not sweep their images.
    sweepEngine: false,
    onOutcome: (runId, outcome) => outcomes.set(runId, outcome),
    log: { info: () => undefined, warn: () => undefined },
  });
  wsUrl = `ws://127.0.0.1:${port}`;
});

afterAll(async () => {
  await started?.stop();
  await database?.remove();
});

describe("runner on the real engine", () => {
  it("reports a reachable engine, the limits and the database on /health", async () => {
    const res = await fetch(`${started.url}/health`);
    const health = HealthReport.parse(await res.json());
    expect(health.engine.reachable).toBe(true);
    expect(health.engine.version).toMatch(/^\d+\./);
    expect(health.database.reachable).toBe(true);
    expect(health.ok).toBe(true);
    expect(health.limits.map((l) => l.name)).toEqual(expect.arrayContaining(["build.memory", "build.pids", "build.cpu"]));
    expect(health.queue).toEqual({ running: 0, queued: 0, max: 20 });
  });

  it("refuses a foreign origin and a bad token before the upgrade", async () => {
    const token = await signToken("learner-x", secret);
    expect(await upgradeStatus(`${wsUrl}/ws?token=${token}`, { origin: "https://evil.example" })).toBe(403);
    const forged = await signToken("learner-x", "not-the-runner-secret-at-all");
    expect(await upgradeStatus(`${wsUrl}/ws?token=${forged}`, { origin })).toBe(401);
  });

  it("builds and grades a solution: accepted, steps, logs, report, checks, finished passed", async () => {
    const c = await client("learner-pass");
    const runId = c.start(exerciseId, SOLUTION);
    expect(await c.next("accepted", runId)).toMatchObject({ position: 0 });
    const finished = await c.next("finished", runId, 120_000);
    expect(finished).toMatchObject({ state: "passed" });
    expect(finished.buildMs).toBeGreaterThan(0);
    const types = c.log.filter((m) => m.runId === runId).map((m) => m.type);
    expect(types).toEqual(expect.arrayContaining(["step", "log", "report", "checks"]));
    expect(types.indexOf("report")).toBeLessThan(types.indexOf("checks"));
    expect(types.at(-1)).toBe("finished");
    const checks = await c.next("checks", runId);
    expect(checks.results.map((r) => [r.checkId, r.status])).toEqual([
      ["builds", "pass"],
      ["greets", "pass"],
      ["non-root", "pass"],
    ]);
    expect((await c.next("report", runId)).report.config.user).toBe("10001:10001");
    await expect.poll(() => submissionState(runId)).toBe("passed");
    // The stored log is the terminal's text, step headers and all, so a replay looks like the run.
    const log = submission(runId)?.log ?? "";
    expect(log).toMatch(/^Building in the sandbox/);
    expect(log).toMatch(/\n#\d+ \[\d+\/\d+\] COPY greeting\.txt \/greeting\.txt\n/);
    expect(log).toMatch(/\n#\d+ (DONE \d+\.\ds|CACHED)\n/);
    expect(log).toMatch(/\n=> passed in \d+\.\ds\n$/);
    await expectImageGone(runId);
    c.ws.close();
  });

  it("grades the starter as failed, naming the failing check", async () => {
    const c = await client("learner-fail");
    const runId = c.start(exerciseId, "FROM stagecraft/busybox:1.35\nCOPY greeting.txt /greeting.txt\nCMD [\"cat\", \"/greeting.txt\"]\n");
    expect(await c.next("finished", runId, 120_000)).toMatchObject({ state: "failed" });
    const checks = await c.next("checks", runId);
    expect(checks.results.find((r) => r.checkId === "non-root")).toMatchObject({
      status: "fail",
      link: "/lessons/runner#who-runs-it",
    });
    await expect.poll(() => submissionState(runId)).toBe("failed");
    c.ws.close();
  });

  it("rejects ADD https://… at admission with problems that point at the line", async () => {
    const c = await client("learner-admission");
    const runId = c.start(exerciseId, "FROM stagecraft/busybox:1.35\nADD https://example.com/x /x\n");
    const error = await c.next("error", runId);
    expect(error.code).toBe("admission_rejected");
    expect(error.problems?.length).toBeGreaterThan(0);
    expect(error.problems?.some((p) => p.line === 2)).toBe(true);
    expect(await c.next("finished", runId)).toMatchObject({ state: "error" });
    await expect.poll(() => submissionState(runId)).toBe("error");
    expect(c.log.some((m) => m.type === "step" && m.runId === runId)).toBe(false); // nothing was built
    c.ws.close();
  });

  it("queues a second run behind the first, refuses a third, cancels both and leaves nothing running", async () => {
    const c = await client("learner-cancel");
    const runId = c.start(exerciseId, SLOW);
    await c.next("accepted", runId);
    // Wait until the RUN step is really executing on the engine.
    await expect.poll(sleepRunning, { timeout: 60_000, interval: 200 }).toBe(true);

    const second = c.start(exerciseId, SOLUTION);
    expect(await c.next("accepted", second)).toMatchObject({ position: 1 });
    const third = c.start(exerciseId, SOLUTION);
    expect(await c.next("error", third)).toMatchObject({ code: "already_running" });
    c.cancel(second);
    expect(await c.next("finished", second)).toMatchObject({ state: "cancelled" });
    await expect.poll(() => submissionState(second)).toBe("cancelled");

    // The RUN step's own output streamed while it ran.
    await expect.poll(() => c.log.some((m) => m.type === "log" && m.runId === runId && m.chunk.includes("started"))).toBe(true);

    c.cancel(runId);
    expect(await c.next("finished", runId, 30_000)).toMatchObject({ state: "cancelled" });
    await expect.poll(sleepRunning, { timeout: 10_000, interval: 200 }).toBe(false);
    await expect.poll(() => submissionState(runId)).toBe("cancelled");
    await expectImageGone(runId);
    expect((await fetch(`${started.url}/health`).then((r) => r.json())).queue).toMatchObject({ running: 0, queued: 0 });
    c.ws.close();
  });

  it("cancels the run of a learner who closes the page mid-build", async () => {
    const c = await client("learner-leaves");
    const runId = c.start(exerciseId, SLOW);
    await c.next("accepted", runId);
    await expect.poll(sleepRunning, { timeout: 60_000, interval: 200 }).toBe(true);
    c.ws.close();
    await expect.poll(() => submissionState(runId), { timeout: 30_000 }).toBe("cancelled");
    await expect.poll(sleepRunning, { timeout: 10_000, interval: 200 }).toBe(false);
  });

  it("answers malformed frames with typed errors and keeps the connection", async () => {
    const c = await client("learner-garbage");
    c.ws.send("{not json");
    expect(await c.next("error", null)).toMatchObject({ code: "invalid_message" });
    c.ws.send(JSON.stringify({ type: "start", runId: "not-a-uuid", exerciseId, files: {} }));
    expect(await c.next("error", null)).toMatchObject({ code: "invalid_message" });
    c.ws.send("x".repeat(300 * 1024));
    expect(await c.next("error", null)).toMatchObject({ code: "frame_too_large" });
    const unknown = c.start("runner/no-such-exercise", SOLUTION);
    expect(await c.next("error", unknown)).toMatchObject({ code: "unknown_exercise" });
    expect(await submissionState(unknown)).toBeUndefined();
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.ws.close();
  });

  // Last: it stops the shared runner.
  it("on shutdown stops the running build, records it as interrupted and closes the socket", async () => {
    const c = await client("learner-shutdown");
    const runId = c.start(exerciseId, SLOW);
    await c.next("accepted", runId);
    await expect.poll(sleepRunning, { timeout: 60_000, interval: 200 }).toBe(true);
    const began = Date.now();
    await started.stop();
    expect(Date.now() - began).toBeLessThan(8_000); // scripts/start.ts waits 8 s before it gives up
    expect(await c.next("finished", runId)).toMatchObject({ state: "interrupted" });
    expect(await c.closed).toBe(1001);
    expect(await submissionState(runId)).toBe("interrupted");
    expect(await sleepRunning()).toBe(false);
    expect(await upgradeStatus(`${wsUrl}/ws`, { origin }).catch(() => "refused")).toBe("refused");
  });
});
