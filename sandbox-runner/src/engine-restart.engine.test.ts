/**
 * The Docker engine restarted in the middle of a build. Never the machine's shared engine: a
 * private `dockerd` (private-engine.ts) with the busybox base image loaded, and a runner wired as
 * `main.ts` wires it, pointed at that engine and owning its BuildKit cgroup.
 *
 * The run ends as `error` / `engine_unavailable`, not `interrupted`: the runner stayed up, saw
 * exactly what happened and can say so; `interrupted` means the runner itself went away and the
 * run was closed by the next start-up. What the engine's stop leaves — the RUN step's process
 * (it outlives dockerd) and the build's cache records — is removed before the next run, once the
 * engine answers again, and that run succeeds.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signToken } from "../../lib/token";
import { RUN_LABEL } from "./container-run";
import { startRunner, type StartedRunner } from "./main";
import { privateEngineUnavailable, startPrivateEngine, type PrivateEngine } from "./private-engine";
import { connectClient } from "./test-client";
import {
  cacheRecordsMentioning,
  FIXTURE_EXERCISE_ID as exerciseId,
  FIXTURE_LESSONS_DIR as lessonsDir,
  FIXTURE_SOLUTION,
  freePort,
  hostProcesses,
  migratedTempDatabase,
  readSubmission,
  slowDockerfile,
  waitForHostProcess,
  type TempDatabase,
} from "./test-support";

const unavailable = privateEngineUnavailable();
const secret = `engine-restart-secret-${randomBytes(8).toString("hex")}`;
const origin = "http://localhost:3997";

let engine: PrivateEngine | null = null;
let database: TempDatabase;
let started: StartedRunner | null = null;
let wsUrl: string;
const notes: string[] = [];
const execFileP = promisify(execFile);

async function client(learner: string) {
  return connectClient(wsUrl, { origin, token: await signToken(learner, secret) });
}

/** Whether the machine's engine had its default bridge before this file started a private one. */
let hostBridgeAtStart = false;

beforeAll(async () => {
  if (unavailable) return;
  hostBridgeAtStart = /^docker0\s/m.test((await execFileP("ip", ["-br", "link", "show"])).stdout);
  engine = await startPrivateEngine({ images: ["stagecraft/busybox:1.35"], name: "restart" });
  database = await migratedTempDatabase("sc-engine-restart-");
  const port = await freePort();
  started = await startRunner({
    env: {
      DATABASE_URL: database.url,
      STAGECRAFT_SECRET: secret,
      APP_ORIGINS: origin,
      RUNNER_HOST: "127.0.0.1",
      RUNNER_PORT: String(port),
      LESSONS_DIR: lessonsDir,
      DOCKER_SOCKET: engine.socket,
      RUNNER_BUILD_CGROUP: `${engine.cgroupParent}/buildkit`,
    },
    log: { info: (m) => void notes.push(m), warn: (m) => void notes.push(m) },
  });
  wsUrl = `ws://127.0.0.1:${port}`;
});

afterAll(async () => {
  await started?.stop();
  await engine?.remove(); // also ends a RUN process left in its cgroup, should an assertion have failed
  await database?.remove();
});

describe.skipIf(unavailable)(`Docker engine restarted mid-build${unavailable ? ` (skipped: ${unavailable})` : ""}`, () => {
  // SIGTERM is what a service manager's restart sends; SIGKILL is a crash (dockerd's containerd
  // and runc go down with it, the RUN step's process does not). The runner handles both alike.
  it.each([
    { how: "restarted (SIGTERM)", stop: () => engine!.stop(), sleepSeconds: 4412 },
    { how: "crashed (SIGKILL)", stop: () => engine!.kill(), sleepSeconds: 4413 },
  ])("engine $how: the run ends as engine_unavailable, leftovers go once it is back, the next run passes", async ({ stop, sleepSeconds }) => {
    const docker = engine!.docker;
    const marker = `engrestart-${randomBytes(4).toString("hex")}`;
    const SLEEP = `sleep ${sleepSeconds}`;
    notes.length = 0;
    const c = await client("learner-engine");
    const dockerfile = slowDockerfile(marker, sleepSeconds);
    const runId = c.start(exerciseId, dockerfile);
    await c.next("accepted", runId);
    await waitForHostProcess(SLEEP);
    await expect.poll(async () => (await cacheRecordsMentioning(docker, `${marker}-first`)).length, { timeout: 30_000 }).toBe(1);

    await stop();
    const error = await c.next("error", runId, 60_000);
    expect(error).toMatchObject({ code: "engine_unavailable", message: expect.stringMatching(/Docker engine .*during your build/) });
    expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "error" });
    await expect.poll(() => readSubmission(database.file, runId)?.state, { timeout: 10_000 }).toBe("error");
    expect(readSubmission(database.file, runId)).toMatchObject({ errorCode: "engine_unavailable" });
    // What the engine's stop left: the RUN step's process lives on, re-parented to init.
    expect(await hostProcesses(SLEEP, { exact: true })).toHaveLength(1);

    await engine!.start();
    // …and the build's cache records, still there after the restart.
    expect((await cacheRecordsMentioning(docker, marker)).length).toBeGreaterThan(0);

    const next = c.start(exerciseId, FIXTURE_SOLUTION);
    expect(await c.next("finished", next, 120_000)).toMatchObject({ state: "passed" });
    expect(readSubmission(database.file, next)?.state).toBe("passed");
    expect(await hostProcesses(SLEEP, { exact: true })).toEqual([]);
    expect(await cacheRecordsMentioning(docker, marker)).toEqual([]);
    expect(await docker.listImages({ filters: { reference: ["stagecraft-run/*"] } })).toEqual([]);
    expect(await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } })).toEqual([]);
    expect(notes.join("\n")).toMatch(/ended 1 build process\(es\) a dropped build left running/);
    c.ws.close();
  });

  it("leaves the machine's engine alone: its docker0 bridge is still there", async () => {
    // A private dockerd started with --bridge=none deletes the host's docker0 (seen in CI).
    const { stdout } = await execFileP("ip", ["-br", "link", "show"]);
    if (hostBridgeAtStart) expect(stdout).toMatch(/^docker0\s/m);
  });
});
