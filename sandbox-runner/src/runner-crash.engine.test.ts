/**
 * The runner process killed with SIGKILL in the middle of a build, then started again: the real
 * `tsx sandbox-runner/src/main.ts` on its own port with its own SQLite database, on the shared
 * engine. The kill gives the runner no chance to write anything; what must hold is what the next
 * start-up does: the Submission becomes `interrupted` (`runner_restarted`) with a plain message,
 * the build's processes, image, containers and cache records are gone, and other learners' rows
 * are exactly as they were.
 *
 * The engine is shared with other suites, so the runner gets a unique RUNNER_INSTANCE: its run
 * images are `stagecraft-run/<instance>-…` and its start-up sweep touches only those, the
 * containers made from them and cache records naming the instance (the Dockerfile's RUN lines
 * carry it). A foreign run image planted beside ours proves the sweep stays in scope.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../lib/token";
import { RUN_LABEL } from "./container-run";
import { createDocker } from "./engine";
import { HealthReport } from "./health";
import { connectClient } from "./test-client";
import { killService, startRunnerProcess, stopService, type RunnerProcess } from "./test-process";
import {
  cacheRecordsMentioning,
  FIXTURE_EXERCISE_ID as exerciseId,
  FIXTURE_LESSONS_DIR as lessonsDir,
  FIXTURE_SOLUTION,
  freePort,
  hostProcesses,
  learnerTables,
  migratedTempDatabase,
  readSubmission,
  slowDockerfile,
  waitForHostProcess,
  type TempDatabase,
} from "./test-support";

const docker = createDocker("/var/run/docker.sock");
const secret = `crash-test-secret-${randomBytes(8).toString("hex")}`;
const origin = "http://localhost:3998";
const instance = `crash-${randomBytes(4).toString("hex")}`;
const SLEEP = "sleep 4409";
/** What a runner killed while grading leaves: a tagged run image and a running check container. */
const leftoverTag = `stagecraft-run/${instance}-${randomBytes(8).toString("hex")}:latest`;
/** Another runner's run image on the same engine: the scoped sweep must leave it alone. */
const foreignTag = `stagecraft-run/other-${randomBytes(8).toString("hex")}:latest`;

let database: TempDatabase;
let runner: RunnerProcess | null = null;
let env: Record<string, string>;

async function client(learner: string) {
  return connectClient(runner!.wsUrl, { origin, token: await signToken(learner, secret) });
}

beforeAll(async () => {
  database = await migratedTempDatabase("sc-crash-");
  env = {
    DATABASE_URL: database.url,
    STAGECRAFT_SECRET: secret,
    APP_ORIGINS: origin,
    RUNNER_PORT: String(await freePort()),
    LESSONS_DIR: lessonsDir,
    RUNNER_INSTANCE: instance,
    // The shared engine's build caps belong to whoever set them; this runner leaves them alone.
    RUNNER_BUILD_CGROUP: "none",
  };
  runner = await startRunnerProcess(env);
});

afterAll(async () => {
  if (runner) await killService(runner);
  for (const tag of [leftoverTag, foreignTag]) {
    for (const c of await docker.listContainers({ all: true, filters: { ancestor: [tag] } }).catch(() => [])) {
      await docker.getContainer(c.Id).remove({ force: true }).catch(() => undefined);
    }
    await docker.getImage(tag).remove({ force: true }).catch(() => undefined);
  }
  // Our own cache records, should an assertion have failed before the sweep removed them.
  const { pruneBuildCache } = await import("./cleanup");
  for (const r of await cacheRecordsMentioning(docker, instance)) await pruneBuildCache(docker, { filters: { id: [r.ID] }, all: true });
  await database?.remove();
});

describe("runner killed with SIGKILL mid-build", () => {
  it("marks the run interrupted at the next start, removes what it left and loses nothing else", async () => {
    // Another learner's earlier, graded work: it must come through the crash untouched.
    const earlier = await client("learner-earlier");
    const earlierRun = earlier.start(exerciseId, FIXTURE_SOLUTION);
    expect(await earlier.next("finished", earlierRun, 120_000)).toMatchObject({ state: "passed" });
    earlier.ws.close();
    const before = learnerTables(database.file);
    expect(before.Progress).toHaveLength(1);

    // The learner whose build the crash cuts short.
    const dockerfile = slowDockerfile(instance, 4409);
    const learner = await client("learner-crashed");
    const runId = learner.start(exerciseId, dockerfile);
    await learner.next("accepted", runId);
    await waitForHostProcess(SLEEP);
    await expect.poll(async () => (await cacheRecordsMentioning(docker, `${instance}-first`)).length, { timeout: 30_000 }).toBe(1);

    // What a runner killed while grading would have left, planted for the sweep to find.
    await docker.getImage("stagecraft/busybox:1.35").tag({ repo: leftoverTag.split(":")[0]!, tag: "latest" });
    await docker.getImage("stagecraft/busybox:1.35").tag({ repo: foreignTag.split(":")[0]!, tag: "latest" });
    const container = await docker.createContainer({
      Image: leftoverTag,
      Cmd: ["sleep", "4408"],
      Labels: { [RUN_LABEL]: "planted", "stagecraft.purpose": "run" },
      HostConfig: { NetworkMode: "none" },
    });
    await container.start();

    await killService(runner!);
    expect(await learner.closed).toBe(1006); // the socket died with the process: no close frame
    // No one told the database: the row still says running.
    expect(readSubmission(database.file, runId)?.state).toBe("running");
    // The engine noticed the dropped request and cancelled the build: its RUN process ends even
    // before any restart. The finished step's cache record stays, and the interrupted step left none.
    await expect.poll(() => hostProcesses(SLEEP, { exact: true }), { timeout: 15_000 }).toEqual([]);
    expect((await cacheRecordsMentioning(docker, instance)).map((r) => r.Description)).toEqual([
      expect.stringContaining(`${instance}-first`),
    ]);

    runner = await startRunnerProcess(env);
    const row = readSubmission(database.file, runId);
    expect(row).toMatchObject({ state: "interrupted", errorCode: "runner_restarted" });
    expect(row?.errorMessage).toMatch(/sandbox restarted .*Your Dockerfile is saved/);
    const after = learnerTables(database.file);
    const crashed = (after.Submission as { id: string; dockerfile: string }[]).find((s) => s.id === runId);
    expect(crashed?.dockerfile).toBe(dockerfile);
    // Everything else is exactly as it was.
    const others = (rows: unknown[]) => (rows as { id?: string; submissionId?: string }[]).filter((r) => r.id !== runId && r.submissionId !== runId);
    expect(others(after.Submission)).toEqual(before.Submission);
    expect(after.Result).toEqual(before.Result);
    expect(after.Progress).toEqual(before.Progress);
    expect((after.Learner as unknown[]).length).toBe(2);

    // The sweep removed our leftovers (container, image, cache records) and nothing of anyone else's.
    expect(await docker.listContainers({ all: true, filters: { id: [container.id] } })).toEqual([]);
    await expect(docker.getImage(leftoverTag).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await cacheRecordsMentioning(docker, instance)).toEqual([]);
    await expect(docker.getImage(foreignTag).inspect()).resolves.toBeTruthy();
    expect(runner.output.join("")).toMatch(/marked 1 unfinished submission\(s\) as interrupted/);

    const health = HealthReport.parse(await (await fetch(runner.health)).json());
    expect(health).toMatchObject({ ok: true, database: { reachable: true } });

    // And the learner's re-run goes through on the restarted runner.
    const again = await client("learner-crashed");
    const retry = again.start(exerciseId, FIXTURE_SOLUTION);
    expect(await again.next("finished", retry, 120_000)).toMatchObject({ state: "passed" });
    expect(readSubmission(database.file, retry)?.state).toBe("passed");
    again.ws.close();
    await stopService(runner);
    runner = null;
  });
});
