/**
 * Bad input against the real runner (issue 2): every refusal reaches the learner as a typed error
 * with a message they can act on, every run that got a Submission row ends in a terminal state,
 * and nothing outlives a run: no `stagecraft-run/*` image, no labelled check container, no build
 * process on the host.
 *
 * Wiring: `createRunnerServer` + `executeRun` over `createEnginePipeline` on the real engine, a
 * temporary SQLite database migrated with the project's migrations, the fixture lessons, real
 * WebSockets. Two departures from `main.ts`, both deliberate:
 * - The build's wall-clock limit is shortened through `createEnginePipeline`'s `build` override:
 *   the real 180 s would not fit a ~90 s suite. Each run's outcome names its image tag, so
 *   "nothing left" is checked for exactly this file's runs while other suites build on the same
 *   engine.
 * - The build cgroup caps are not written (what `startRunner`'s `applyCgroupLimits: false` does):
 *   another suite may have lowered them for its own bomb test, and rewriting them would break it.
 *   The bomb tests here run only when the caps currently in place are SANDBOX_LIMITS' own.
 */
import Database from "better-sqlite3";
import { randomBytes } from "node:crypto";
import { readFile, writeFile } from "node:fs/promises";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExercise } from "../../lib/lessons/load";
import { signToken } from "../../lib/token";
import { RUN_LABEL } from "./container-run";
import { createDocker, pingEngine } from "./engine";
import { collectHealth, fixedLimitEntries, HealthReport } from "./health";
import { SANDBOX_LIMITS } from "./limits";
import { createEnginePipeline } from "./engine-pipeline";
import { executeRun } from "./run-pipeline";
import { createDbRunStore, type RunStore } from "./run-store";
import { createRunnerServer, type RunnerServer } from "./server";
import { connectClient, type TestClient } from "./test-client";
import {
  FIXTURE_EXERCISE_ID as exerciseId,
  FIXTURE_LESSONS_DIR as lessonsDir,
  FIXTURE_SOLUTION as SOLUTION,
  hostProcesses,
  migratedTempDatabase,
  readSubmission,
  type TempDatabase,
} from "./test-support";

const KiB = 1024;
const secret = "bad-input-test-secret-0123456789abcdef";
const origin = "http://localhost:3998";
const docker = createDocker("/var/run/docker.sock");
/** This file's learners and output markers carry it, so checks never see another suite's runs. */
const tag = `qa${randomBytes(4).toString("hex")}`;
/**
 * The build's wall-clock limit is shortened (see the header); the log cap is the real one, because
 * what a flood does depends on how the cap compares with BuildKit's own per-step clipping.
 */
const TEST_BUILD = { timeoutMs: 8_000, logCapBytes: SANDBOX_LIMITS.build.logCapBytes };
/**
 * A RUN step's processes, found on the host by a distinctive sleep: busybox `sh -c "a && b"`
 * execs its last command, so a marker elsewhere in the RUN line is not in any process's argv.
 */
let sleeps = 7_000 + Math.floor(Math.random() * 900) * 3;
const nextSleep = () => `sleep ${(sleeps += 1)}`;

const BUSYBOX = "stagecraft/busybox:1.35";

/** A run that chose an image tag (it got as far as building). */
type Built = { tag: string };
type TestRunner = { runner: RunnerServer; wsUrl: string; httpUrl: string; builds: Map<string, Built> };

let database: TempDatabase;
/** The database's temporary folder, also home to this file's fake engine sockets. */
let dir: string;
let store: RunStore;
let live: TestRunner;
const runners: TestRunner[] = [];
const allRunIds: string[] = [];

async function startTestRunner(socketPath: string): Promise<TestRunner> {
  const engine = createDocker(socketPath);
  const pipeline = await createEnginePipeline(engine, { warn: () => undefined, build: TEST_BUILD });
  const builds = new Map<string, Built>();
  const runner = createRunnerServer({
    origins: [origin],
    secret,
    queue: { slots: SANDBOX_LIMITS.queue.buildSlots, maxQueued: SANDBOX_LIMITS.queue.maxQueued },
    store,
    loadExercise: (id) => loadExercise(id, lessonsDir),
    async execute(req) {
      const outcome = await executeRun(pipeline, req);
      if (outcome.imageTag) builds.set(req.runId, { tag: outcome.imageTag });
      return outcome;
    },
    health: (queue) =>
      collectHealth({
        async engine() {
          return { reachable: await pingEngine(engine, 1_000), version: null };
        },
        limits: fixedLimitEntries(),
        queue: () => queue.stats(),
        database: () => store.ping(),
      }),
    log: () => undefined,
  });
  const address = await runner.listen(0, "127.0.0.1");
  const started = { runner, wsUrl: `ws://127.0.0.1:${address.port}`, httpUrl: `http://127.0.0.1:${address.port}`, builds };
  runners.push(started);
  return started;
}

async function client(r: TestRunner, learner: string): Promise<TestClient> {
  return connectClient(r.wsUrl, { origin, token: await signToken(`${tag}-${learner}`, secret) });
}

function start(c: TestClient, dockerfile: string, runId?: string): string {
  const id = c.start(exerciseId, dockerfile, runId);
  allRunIds.push(id);
  return id;
}

/** What the lesson page would read for the run. */
const row = (id: string) => readSubmission(database.file, id);

/** Host processes whose command line is exactly `marker`, or contains it with `{ contains: true }`. */
const processesWith = (marker: string, opts: { contains?: boolean } = {}) => hostProcesses(marker, { exact: !opts.contains });

/** The run (which built) left no image and no check container of it, and no build process. */
async function expectNothingLeft(r: TestRunner, runId: string, process?: { marker: string; contains?: boolean }): Promise<void> {
  // The outcome (with its tag) is recorded as the run returns, just after its `finished` frame.
  await expect.poll(() => r.builds.get(runId)).toBeDefined();
  const built = r.builds.get(runId)!;
  await expect(docker.getImage(built.tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
  const containers = await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } });
  expect(containers.filter((c) => c.Image === built.tag)).toEqual([]);
  if (process) await expect.poll(() => processesWith(process.marker, process), { timeout: 5_000, interval: 200 }).toEqual([]);
  await expect.poll(() => r.runner.queue.stats()).toMatchObject({ running: 0, queued: 0 });
}

/** A refusal before any build: typed error, `finished error`, a terminal row, nothing built. */
async function expectRefusedWithoutBuild(c: TestClient, runId: string, code: string, message: RegExp) {
  const error = await c.next("error", runId);
  expect(error.code).toBe(code);
  expect(error.message).toMatch(message);
  expect(await c.next("finished", runId)).toMatchObject({ state: "error" });
  await expect.poll(() => row(runId)?.state).toBe("error");
  expect(row(runId)).toMatchObject({ errorCode: code, errorMessage: expect.stringMatching(message) });
  expect(live.builds.has(runId)).toBe(false);
  expect(c.log.some((m) => m.type === "step" && m.runId === runId)).toBe(false);
  return error;
}

/** SANDBOX_LIMITS.buildCgroup is what BuildKit's parent cgroup holds right now (cgroup v1). */
async function defaultCapsInPlace(): Promise<string | null> {
  try {
    const pids = (await readFile("/sys/fs/cgroup/pids/docker/buildkit/pids.max", "utf8")).trim();
    const memory = Number((await readFile("/sys/fs/cgroup/memory/docker/buildkit/memory.limit_in_bytes", "utf8")).trim());
    if (pids !== String(SANDBOX_LIMITS.buildCgroup.pids) || memory !== SANDBOX_LIMITS.buildCgroup.memoryBytes) {
      return `build cgroup holds pids=${pids} memory=${memory}, not SANDBOX_LIMITS (a runner applies them at start-up)`;
    }
    return null;
  } catch (err) {
    return `build cgroup not readable: ${(err as Error).message}`;
  }
}

beforeAll(async () => {
  expect(await pingEngine(docker), "Docker engine must be reachable").toBe(true);
  await docker.getImage(BUSYBOX).inspect().catch(() => {
    throw new Error(`${BUSYBOX} is missing: run npm run images:prepare`);
  });
  database = await migratedTempDatabase("sc-bad-input-");
  dir = database.dir;
  store = await createDbRunStore(database.url);
  live = await startTestRunner("/var/run/docker.sock");
});

afterAll(async () => {
  for (const r of runners) await r.runner.shutdown();
  await store?.close?.();
  await database?.remove();
});

describe("bad input on the real runner", () => {
  it("an empty or blank Dockerfile: dockerfile_invalid, ended as error, nothing built", async () => {
    const c = await client(live, "empty");
    for (const text of ["", "  \n\n\t\n"]) {
      const runId = start(c, text);
      await expectRefusedWithoutBuild(c, runId, "dockerfile_invalid", /empty/i);
    }
    c.ws.close();
  });

  it("a 5 MB Dockerfile: refused as frame_too_large, and the same connection then runs a build", async () => {
    const c = await client(live, "huge");
    const runId = c.start(exerciseId, "RUN echo x\n".repeat(500_000)); // ~5.5 MB
    const error = await Promise.race([
      c.next("error", null),
      c.closed.then((code) => {
        throw new Error(`the runner closed the connection (code ${code}) instead of answering frame_too_large`);
      }),
    ]);
    expect(error).toMatchObject({ code: "frame_too_large", message: expect.stringMatching(/over the runner's limit of 256 KiB/) });
    expect(row(runId)).toBeUndefined();
    const ok = start(c, SOLUTION);
    expect(await c.next("finished", ok, 60_000)).toMatchObject({ state: "passed" });
    c.ws.close();
  });

  it("a Dockerfile over the protocol cap (100 KB): dockerfile_invalid for its run with the limit in the message, no row", async () => {
    const c = await client(live, "big");
    const runId = c.start(exerciseId, "RUN echo x\n".repeat(10_000));
    const error = await c.next("error", runId);
    expect(error.code).toBe("dockerfile_invalid");
    expect(error.message).toMatch(/Dockerfile/);
    expect(error.message).toMatch(/65536/);
    expect(row(runId)).toBeUndefined();
    c.ws.close();
  });

  it("a Dockerfile under the character cap but over the byte cap: dockerfile_invalid naming both sizes", async () => {
    const c = await client(live, "bytes");
    // 30 000 three-byte characters: 30 000 characters for the protocol, 90 000 bytes for admission.
    const runId = start(c, `FROM ${BUSYBOX}\n# ${"€".repeat(30_000)}\n`);
    const error = await expectRefusedWithoutBuild(c, runId, "dockerfile_invalid", /bytes; the sandbox accepts at most 65536/);
    expect(error.problems).toMatchObject([{ rule: "too-large" }]);
    c.ws.close();
  });

  it("a parse error: dockerfile_invalid with the line and the parser's words, nothing built", async () => {
    const c = await client(live, "parse");
    const runId = start(c, `FROM ${BUSYBOX}\nCOPY\n`);
    const parseError = /^This Dockerfile cannot be read: line 2: COPY requires at least two arguments/;
    const error = await expectRefusedWithoutBuild(c, runId, "dockerfile_invalid", parseError);
    expect(error.problems).toMatchObject([{ rule: expect.stringMatching(/^syntax\//), line: 2 }]);
    c.ws.close();
  });

  it("an unknown base image: admission_rejected listing the images the sandbox has, nothing pulled", async () => {
    const c = await client(live, "base");
    const runId = start(c, "FROM node:20-alpine\nRUN echo hi\n");
    const error = await expectRefusedWithoutBuild(c, runId, "admission_rejected", /line 1: `node:20-alpine` is neither an image this sandbox offers/);
    expect(error.message).toContain(`Available images: `);
    expect(error.message).toContain(BUSYBOX);
    expect(error.problems).toMatchObject([{ rule: "base-image-not-allowed", line: 1 }]);
    await expect(docker.getImage("node:20-alpine").inspect()).rejects.toMatchObject({ statusCode: 404 });
    c.ws.close();
  });

  it("ADD https://…: admission_rejected on its line, nothing fetched or built", async () => {
    const c = await client(live, "add-url");
    const runId = start(c, `FROM ${BUSYBOX}\nADD https://example.com/app.tar.gz /app\n`);
    const error = await expectRefusedWithoutBuild(c, runId, "admission_rejected", /line 2: /);
    expect(error.problems).toMatchObject([{ rule: "add-remote-source", line: 2, link: expect.stringMatching(/^\/lessons\//) }]);
    c.ws.close();
  });

  // Every other construct admission refuses, end to end: the same path as ADD https://…, but each
  // is a way past `networkmode=none` or the allowlist if admission ever let it through.
  it.each([
    ["a # syntax= directive", `# syntax=docker/dockerfile:1\nFROM ${BUSYBOX}\n`, "parser-directive", 1],
    ["RUN --mount=type=cache", `FROM ${BUSYBOX}\nRUN --mount=type=cache,target=/c true\n`, "run-flag", 2],
    ["RUN --network=host", `FROM ${BUSYBOX}\nRUN --network=host true\n`, "run-flag", 2],
    ["RUN --security=insecure", `FROM ${BUSYBOX}\nRUN --security=insecure true\n`, "run-flag", 2],
    ["ONBUILD", `FROM ${BUSYBOX}\nONBUILD RUN true\n`, "onbuild", 2],
    ["COPY --from=<image outside the catalog>", `FROM ${BUSYBOX}\nCOPY --from=alpine:3 /bin/sh /sh\n`, "copy-from-not-allowed", 2],
    ["COPY --from=$VARIABLE", `FROM ${BUSYBOX}\nARG SRC=x\nCOPY --from=$SRC /a /a\n`, "copy-from-not-allowed", 3],
    ["FROM --platform=<foreign>", `FROM --platform=linux/arm64 ${BUSYBOX}\n`, "instruction-flag", 1],
    ["ADD --checksum", `FROM ${BUSYBOX}\nADD --checksum=sha256:00 greeting.txt /g\n`, "instruction-flag", 2],
    ["FROM $ARG without a default", `ARG BASE\nFROM $BASE\n`, "from-unresolved-arg", 2],
  ])("admission over the runner refuses %s: admission_rejected with its rule, nothing built", async (_what, dockerfile, rule, line) => {
    const c = await client(live, `admit-${rule}`);
    const runId = start(c, dockerfile);
    const error = await expectRefusedWithoutBuild(c, runId, "admission_rejected", /^The sandbox will not build this Dockerfile: \S/);
    expect(error.problems?.find((p) => p.rule === rule)).toMatchObject({ message: expect.stringMatching(/\w{4,}/), ...(line && { line }) });
    c.ws.close();
  });

  // Not a readable Dockerfile at all: named as such, before any sandbox rule.
  it.each([
    ["no FROM at all", "RUN echo hi\n", "no-from"],
    ["more lines than the cap", `FROM ${BUSYBOX}\n${"# x\n".repeat(SANDBOX_LIMITS.dockerfile.maxLines)}`, "too-many-lines"],
  ])("admission over the runner refuses %s: dockerfile_invalid with its rule, nothing built", async (_what, dockerfile, rule) => {
    const c = await client(live, `invalid-${rule}`);
    const runId = start(c, dockerfile);
    const error = await expectRefusedWithoutBuild(c, runId, "dockerfile_invalid", /^This Dockerfile cannot be read: \S/);
    expect(error.problems?.find((p) => p.rule === rule)).toMatchObject({ message: expect.stringMatching(/\w{4,}/) });
    c.ws.close();
  });

  it("a build that fails: graded failed with the step, its exit code and its output; image and process gone", async () => {
    const c = await client(live, "fails");
    const runId = start(c, `FROM ${BUSYBOX}\nRUN echo "${tag} checking" && echo "no such tool" >&2 && exit 3\n`);
    expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "failed" });
    const builds = (await c.next("checks", runId)).results.find((r) => r.checkId === "builds");
    expect(builds).toMatchObject({ status: "fail" });
    expect(builds?.message).toMatch(/RUN .* failed: .*exit code: 3/);
    expect(builds?.message).toContain("no such tool");
    const failedStep = c.log.filter((m) => m.type === "step" && m.runId === runId).map((m) => (m as { step: { status: string } }).step);
    expect(failedStep.some((s) => s.status === "failed")).toBe(true);
    await expect.poll(() => row(runId)?.state).toBe("failed");
    expect(row(runId)?.log).toContain("no such tool");
    await expectNothingLeft(live, runId);
    c.ws.close();
  });

  it("a build that never ends: timeout with the limit in the message, ended as error, no process left", async () => {
    const c = await client(live, "hangs");
    const marker = nextSleep();
    const runId = start(c, `FROM ${BUSYBOX}\nRUN echo started && ${marker}\n`);
    await expect.poll(() => processesWith(marker), { timeout: 30_000, interval: 200 }).not.toEqual([]);
    const error = await c.next("error", runId, 30_000);
    expect(error).toMatchObject({ code: "timeout", message: expect.stringMatching(/longer than 8 s and was stopped/) });
    expect(await c.next("finished", runId, 10_000)).toMatchObject({ state: "error" });
    await expect.poll(() => row(runId)).toMatchObject({ state: "error", errorCode: "timeout" });
    await expectNothingLeft(live, runId, { marker });
    c.ws.close();
  });

  // With the real 1 MiB cap: BuildKit (engine 20.10) clips one step's output after ~200 KiB
  // ("[output clipped, log limit 200KiB/s reached]") and forwards nothing more, so a one-step flood
  // must be recognised by that clipping, or it burns a CPU until the wall-clock limit.
  it("a log flood: log_limit, what reaches the page is capped and batched, no process left", async () => {
    const c = await client(live, "flood");
    const marker = `${tag}-flood`;
    const runId = start(c, `FROM ${BUSYBOX}\nRUN yes ${marker}\n`);
    const error = await c.next("error", runId, 30_000);
    expect(error).toMatchObject({ code: "log_limit", message: expect.stringMatching(/output and was stopped/) });
    expect(await c.next("finished", runId, 10_000)).toMatchObject({ state: "error" });
    const logs = c.log.filter((m) => m.type === "log" && m.runId === runId) as { chunk: string; stream: string }[];
    const buildBytes = logs.filter((l) => l.stream !== "runner").reduce((n, l) => n + Buffer.byteLength(l.chunk), 0);
    expect(buildBytes).toBeGreaterThan(0);
    expect(buildBytes).toBeLessThanOrEqual(TEST_BUILD.logCapBytes);
    expect(logs.length).toBeLessThan(200); // batched: a `yes` flood is not a frame per line
    await expect.poll(() => row(runId)).toMatchObject({ state: "error", errorCode: "log_limit" });
    expect(Buffer.byteLength(row(runId)?.log ?? "")).toBeLessThanOrEqual(TEST_BUILD.logCapBytes + 4 * KiB);
    await expectNothingLeft(live, runId, { marker, contains: true });
    c.ws.close();
  });

  it("a second Run while one is going waits its turn; a third is already_running, with no row; the first unharmed", async () => {
    const c = await client(live, "twice");
    const other = await client(live, "twice"); // the same learner in a second tab
    const marker = nextSleep();
    const first = start(c, `FROM ${BUSYBOX}\nRUN echo started && ${marker}\n`);
    await c.next("accepted", first);
    await expect.poll(() => processesWith(marker), { timeout: 30_000, interval: 200 }).not.toEqual([]);
    const second = start(other, SOLUTION);
    expect(await other.next("accepted", second)).toMatchObject({ position: 1 });
    expect(row(second)?.state).toBe("queued");
    for (const tab of [c, other]) {
      const third = tab.start(exerciseId, SOLUTION);
      const error = await tab.next("error", third);
      expect(error).toMatchObject({ code: "already_running", message: expect.stringMatching(/one building and one waiting is the most/) });
      expect(row(third)).toBeUndefined();
    }
    expect(row(first)?.state).toBe("running");
    c.cancel(first);
    expect(await c.next("finished", first, 15_000)).toMatchObject({ state: "cancelled" });
    await expect.poll(() => row(first)?.state).toBe("cancelled");
    expect(await other.next("queue", second, 15_000)).toMatchObject({ position: 0 });
    expect(await other.next("finished", second, 60_000)).toMatchObject({ state: "passed" });
    await expectNothingLeft(live, first, { marker });
    await expectNothingLeft(live, second);
    c.ws.close();
    other.ws.close();
  });

  it("malformed WebSocket messages: a typed error for each, no row, and the connection still builds", async () => {
    const c = await client(live, "garbage");
    const frames: [string, unknown, RegExp][] = [
      ["not JSON", "{not json", /not valid JSON/],
      ["a JSON array", "[1,2]", /expected object/],
      ["JSON null", "null", /expected object/],
      ["an unknown type", JSON.stringify({ type: "rm -rf", runId: crypto.randomUUID() }), /type/],
      ["a start without files", JSON.stringify({ type: "start", runId: crypto.randomUUID(), exerciseId }), /files/],
      ["a start with a bad run id", JSON.stringify({ type: "start", runId: "1; DROP TABLE", exerciseId, files: { Dockerfile: SOLUTION } }), /runId/],
      ["a cancel of no run", JSON.stringify({ type: "cancel", runId: crypto.randomUUID() }), /no run with this id/],
    ];
    for (const [what, frame, message] of frames) {
      c.ws.send(frame as string);
      const error = await c.next("error");
      expect({ what, code: error.code }).toEqual({ what, code: "invalid_message" });
      expect(error.message, what).toMatch(message);
    }
    c.ws.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), { binary: true });
    expect(await c.next("error")).toMatchObject({ code: "invalid_message", message: expect.stringMatching(/Binary/) });

    const runId = start(c, SOLUTION);
    expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "passed" });
    // Replaying a finished run's id must not overwrite its record.
    c.start(exerciseId, SOLUTION, runId);
    expect(await c.next("error", runId)).toMatchObject({ code: "invalid_message", message: expect.stringMatching(/used before/) });
    expect(row(runId)?.state).toBe("passed");
    await expectNothingLeft(live, runId);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    c.ws.close();
  });

  it("a Docker engine that is down (no socket, or a socket nobody listens on): engine_unavailable, ended as error", async () => {
    // A path that exists but where nobody listens, like a daemon's leftover socket: ECONNREFUSED.
    // (Node unlinks a unix socket it closes, so a plain file stands in for the stale socket.)
    const stale = path.join(dir, "stale.sock");
    await writeFile(stale, "");
    for (const socketPath of [path.join(dir, "no-such-docker.sock"), stale]) {
      const down = await startTestRunner(socketPath);
      const health = HealthReport.parse(await fetch(`${down.httpUrl}/health`).then((res) => res.json()));
      expect(health).toMatchObject({ ok: false, engine: { reachable: false } });
      const c = await client(down, `down-${path.basename(socketPath)}`);
      const runId = start(c, SOLUTION);
      const error = await c.next("error", runId, 15_000);
      expect(error).toMatchObject({ code: "engine_unavailable", message: expect.stringMatching(/Docker engine is not reachable/) });
      expect(await c.next("finished", runId, 5_000)).toMatchObject({ state: "error" });
      await expect.poll(() => row(runId)).toMatchObject({ state: "error", errorCode: "engine_unavailable" });
      c.ws.close();
      await down.runner.shutdown();
    }
  });

  it("a Docker engine that accepts connections and never answers: the run still ends, within the build time limit", async () => {
    const hung = path.join(dir, "hung.sock");
    const sockets = new Set<Socket>();
    const server: NetServer = createNetServer((s) => {
      sockets.add(s);
      s.on("error", () => undefined);
    });
    await new Promise<void>((r) => server.listen(hung, r));
    try {
      const down = await startTestRunner(hung);
      const c = await client(down, "hung");
      const runId = start(c, SOLUTION);
      await c.next("accepted", runId);
      const ended = await c.next("finished", runId, TEST_BUILD.timeoutMs + 5_000).then((m) => m.state, () => "still running");
      let afterCancel = "not needed";
      if (ended === "still running") {
        c.cancel(runId);
        afterCancel = await c.next("finished", runId, 3_000).then((m) => m.state, () => "still running after cancel");
      }
      expect({ ended, afterCancel, row: row(runId)?.state }).toEqual({ ended: "error", afterCancel: "not needed", row: "error" });
      const error = await c.next("error", runId);
      expect(error).toMatchObject({ code: "engine_unavailable", message: expect.stringMatching(/Docker engine is not answering/) });
      expect(row(runId)).toMatchObject({ errorCode: "engine_unavailable" });
      await expect.poll(() => down.runner.queue.stats()).toMatchObject({ running: 0, queued: 0 }); // the slot is free
      c.ws.close();
    } finally {
      // Dropping the connections ends whatever is still waiting on them, so nothing stays running.
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  describe("the build cgroup caps, through the runner", () => {
    it("a bounded fork bomb fails the build with the process-limit message", async (ctx) => {
      const skip = await defaultCapsInPlace();
      if (skip) return ctx.skip(skip);
      const c = await client(live, "forks");
      const marker = nextSleep();
      const runId = start(c, `FROM ${BUSYBOX}\nRUN for i in $(seq ${SANDBOX_LIMITS.buildCgroup.pids + 200}); do ${marker} & done; wait\n`);
      expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "failed" });
      const builds = (await c.next("checks", runId)).results.find((r) => r.checkId === "builds");
      expect(builds).toMatchObject({ status: "fail", message: expect.stringContaining("hit the sandbox's process limit") });
      await expect.poll(() => row(runId)?.state).toBe("failed");
      await expectNothingLeft(live, runId, { marker });
      c.ws.close();
    });

    it("a memory bomb fails the build with the out-of-memory message", async (ctx) => {
      const skip = await defaultCapsInPlace();
      if (skip) return ctx.skip(skip);
      const c = await client(live, "memory");
      const mib = Math.round(SANDBOX_LIMITS.buildCgroup.memoryBytes / KiB / KiB) + 256;
      const runId = start(c, `FROM ${BUSYBOX}\nRUN dd if=/dev/zero of=/dev/null bs=${mib}M count=1\n`);
      expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "failed" });
      const builds = (await c.next("checks", runId)).results.find((r) => r.checkId === "builds");
      expect(builds).toMatchObject({ status: "fail", message: expect.stringContaining("more memory than the sandbox allows") });
      await expectNothingLeft(live, runId);
      c.ws.close();
    });
  });

  // Last: a summary over every run this file started.
  it("leaves no Submission queued or running and no image of any of its runs", async () => {
    const db = new Database(database.file, { readonly: true });
    try {
      const open = db.prepare(`SELECT id, state FROM "Submission" WHERE state IN ('queued', 'running')`).all();
      expect(open).toEqual([]);
    } finally {
      db.close();
    }
    for (const r of runners) {
      for (const built of r.builds.values()) {
        await expect(docker.getImage(built.tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
      }
    }
    expect(allRunIds.length).toBeGreaterThan(10);
  });
});
