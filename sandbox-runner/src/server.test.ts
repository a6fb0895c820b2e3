/**
 * The server over a real socket with a fake pipeline: authentication, the protocol's answers to
 * malformed and abusive frames, queueing and cancellation. The same scenarios run against the real
 * engine in server.engine.test.ts.
 */
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { ContentError, type Exercise } from "../../lib/lessons/schema";
import { signToken } from "../../lib/token";
import { collectHealth, fixedLimitEntries } from "./health";
import { authoringProblem, type RunOutcome, type RunRequest } from "./run-pipeline";
import { createMemoryRunStore, type RunStore } from "./run-store";
import { frameTooLargeMessage } from "./client-frame";
import { createRunnerServer, type RunnerServer, type RunnerServerOptions } from "./server";
import { SANDBOX_LIMITS } from "./limits";
import { connectClient, upgradeStatus } from "./test-client";

const secret = "server-test-secret-0123456789";
const origin = "http://localhost:3000";
const exercise = { id: "anatomy/split", lessonSlug: "anatomy", checks: [] } as unknown as Exercise;

/** A pipeline whose runs last until the test (or a cancel) ends them. */
function fakePipeline() {
  const running = new Map<string, (state: RunOutcome["state"]) => void>();
  const execute = (req: RunRequest) =>
    new Promise<RunOutcome>((resolve) => {
      const started = Date.now();
      const end = (state: RunOutcome["state"]) => {
        running.delete(req.runId);
        req.emit({ type: "finished", runId: req.runId, state, durationMs: Date.now() - started });
        resolve({ state, durationMs: Date.now() - started, log: "" });
      };
      running.set(req.runId, end);
      req.emit({ type: "log", runId: req.runId, stream: "runner", chunk: "building\n" });
      req.signal.addEventListener("abort", () => end(req.signal.reason === "shutdown" ? "interrupted" : "cancelled"));
    });
  return { execute, running };
}

let current: RunnerServer | null = null;
afterEach(async () => {
  await current?.shutdown();
  current = null;
});

async function start(over: Partial<RunnerServerOptions> = {}) {
  const pipeline = fakePipeline();
  const store = createMemoryRunStore();
  const runner = createRunnerServer({
    origins: [origin],
    secret,
    queue: { slots: 1, maxQueued: 2 },
    store,
    loadExercise: async (id) => (id === exercise.id ? exercise : null),
    execute: pipeline.execute,
    health: (queue) =>
      collectHealth({
        engine: async () => ({ reachable: true, version: "20.10-fake" }),
        limits: fixedLimitEntries(),
        queue: () => queue.stats(),
        database: () => store.ping(),
      }),
    log: () => undefined,
    shutdownGraceMs: 1_000,
    ...over,
  });
  current = runner;
  const { port } = await runner.listen(0, "127.0.0.1");
  return { runner, port, pipeline, store };
}

async function connect(port: number, opts: { learner?: string; origin?: string } = {}) {
  const token = await signToken(opts.learner ?? "learner-1", secret);
  const client = await connectClient(`ws://127.0.0.1:${port}`, { origin: opts.origin ?? origin, token });
  const startRun = (runId = randomUUID(), exerciseId = exercise.id) =>
    client.start(exerciseId, "FROM stagecraft/busybox:1.35\n", runId);
  return { ...client, startRun };
}

/** Learner a's run holds the one build slot; learner b's waits behind it. */
async function oneRunningOneQueued(port: number) {
  const a = await connect(port, { learner: "a" });
  const b = await connect(port, { learner: "b" });
  const runA = a.startRun();
  await a.next("accepted", runA);
  const runB = b.startRun();
  await b.next("accepted", runB);
  return { a, b, runA, runB };
}

const refusedWith = (port: number, path: string, headers: Record<string, string>) =>
  upgradeStatus(`ws://127.0.0.1:${port}${path}`, headers);

describe("runner server", () => {
  it("refuses foreign origins (403), bad tokens (401) and unknown paths (404) before upgrading", async () => {
    const { port } = await start();
    const token = await signToken("learner-1", secret);
    expect(await refusedWith(port, `/ws?token=${token}`, { origin: "https://evil.example" })).toBe(403);
    expect(await refusedWith(port, `/ws?token=nope`, { origin })).toBe(401);
    expect(await refusedWith(port, `/ws`, { origin })).toBe(401);
    expect(await refusedWith(port, `/elsewhere?token=${token}`, { origin })).toBe(404);
  });

  it("a course that does not load: internal naming the file and problem, no row, the connection lives on", async () => {
    const { port, store } = await start({
      loadExercise: async () => {
        throw new ContentError("lessons/01-x/exercises/y/context/link", "context files must be regular files or folders (no symlinks)");
      },
    });
    const client = await connect(port);
    const runId = client.startRun();
    const error = await client.next("error", runId);
    expect(error).toMatchObject({ code: "internal" });
    expect(error.message).toBe(
      authoringProblem("lessons/01-x/exercises/y/context/link: context files must be regular files or folders (no symlinks)"),
    );
    expect(store.rows.has(runId)).toBe(false);
    expect(client.ws.readyState).toBe(client.ws.OPEN);
  });

  it("accepts a run, streams its events and records the submission's terminal state", async () => {
    const { port, pipeline, store } = await start();
    const client = await connect(port);
    const runId = client.startRun();
    expect(await client.next("accepted", runId)).toMatchObject({ position: 0 });
    await client.next("log", runId);
    expect(store.rows.get(runId)).toMatchObject({ learnerId: "learner-1", exerciseId: exercise.id, state: "running" });
    pipeline.running.get(runId)?.("passed");
    expect(await client.next("finished", runId)).toMatchObject({ state: "passed" });
    await expect.poll(() => store.rows.get(runId)?.state).toBe("passed");
  });

  it("sends finished only after the result is stored, so a page refreshing on it reads the pass", async () => {
    const store = createMemoryRunStore();
    // A slow database: the write takes a while, and "finished" must wait for it.
    let stored = false;
    const finish = store.finish.bind(store);
    store.finish = async (id, f) => {
      await new Promise((r) => setTimeout(r, 150));
      await finish(id, f);
      stored = true;
    };
    const { port, pipeline } = await start({ store });
    const client = await connect(port);
    const runId = client.startRun();
    await client.next("log", runId);
    pipeline.running.get(runId)?.("passed");
    expect(await client.next("finished", runId)).toMatchObject({ state: "passed" });
    expect(stored).toBe(true);
  });

  it("answers every malformed frame with a typed error and stays up", async () => {
    const { port } = await start();
    const client = await connect(port);
    client.ws.send("not json");
    expect(await client.next("error", null)).toMatchObject({ code: "invalid_message" });
    client.ws.send(JSON.stringify({ type: "launch-missiles" }));
    expect(await client.next("error", null)).toMatchObject({ code: "invalid_message" });
    const runId = randomUUID();
    client.ws.send(JSON.stringify({ type: "start", runId, exerciseId: "x" }));
    expect(await client.next("error", runId)).toMatchObject({ code: "invalid_message" });
    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await client.next("error", null)).toMatchObject({ code: "invalid_message" });
    client.startRun(randomUUID(), "no/such-exercise");
    expect(await client.next("error")).toMatchObject({ code: "unknown_exercise" });
    client.ws.send(JSON.stringify({ type: "cancel", runId: randomUUID() }));
    expect(await client.next("error")).toMatchObject({ code: "invalid_message" });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("refuses a deeply nested frame unread, naming the limit, and stays up", async () => {
    const { port } = await start();
    const client = await connect(port);
    const runId = randomUUID();
    client.ws.send(`{"type":"start","runId":"${runId}","files":{"Dockerfile":${"[".repeat(5_000)}${"]".repeat(5_000)}}}`);
    expect(await client.next("error", null)).toMatchObject({
      code: "invalid_message",
      message: `The message nests more than ${SANDBOX_LIMITS.socket.maxJsonDepth} levels deep; protocol messages are flat.`,
    });
    client.startRun();
    expect(await client.next("accepted")).toMatchObject({ position: 0 });
  });

  it("refuses oversized frames with frame_too_large", async () => {
    const { port } = await start({ socket: { maxFrameBytes: 1024 } });
    const client = await connect(port);
    client.ws.send("x".repeat(1500));
    expect(await client.next("error", null)).toMatchObject({ code: "frame_too_large" });
    expect(client.ws.readyState).toBe(WebSocket.OPEN);
  });

  it("answers a frame of megabytes with frame_too_large in KiB, and the connection still runs", async () => {
    const { port, pipeline } = await start();
    const client = await connect(port);
    client.ws.send("x".repeat(5 * 1024 * 1024));
    const error = await client.next("error", null);
    expect(error).toMatchObject({ code: "frame_too_large" });
    expect(error.message).toBe(frameTooLargeMessage(5 * 1024 * 1024, 256 * 1024));
    expect(error.message).toMatch(/5\.0 MiB, over the runner's limit of 256 KiB .* up to 64 KiB/);
    const runId = client.startRun();
    expect(await client.next("accepted", runId)).toMatchObject({ position: 0 });
    pipeline.running.get(runId)?.("passed");
    expect(await client.next("finished", runId)).toMatchObject({ state: "passed" });
  });

  it("closes with 1009 only above the hard ceiling", async () => {
    const { port } = await start();
    const client = await connect(port);
    client.ws.send("x".repeat(SANDBOX_LIMITS.socket.hardMaxFrameBytes + 1));
    expect(await client.closed).toBe(1009);
  });

  it("refuses a Dockerfile over the protocol cap as dockerfile_invalid for its run, without a row", async () => {
    const { port, store } = await start();
    const client = await connect(port);
    const runId = client.start(exercise.id, "RUN echo x\n".repeat(10_000));
    const error = await client.next("error", runId);
    expect(error.code).toBe("dockerfile_invalid");
    expect(error.message).toMatch(/110000 characters long; the sandbox accepts at most 65536 \(64 KiB\)/);
    expect(store.rows.has(runId)).toBe(false);
  });

  it("rate-limits a flooding connection", async () => {
    const { port } = await start({ socket: { messagesPerWindow: 3, windowMs: 60_000 } });
    const client = await connect(port);
    for (let i = 0; i < 6; i += 1) client.ws.send("{}");
    expect(await client.next("error", null)).toMatchObject({ code: "invalid_message" });
    expect(await client.next("error", null)).toMatchObject({ code: "invalid_message" });
    expect(await client.next("error", null)).toMatchObject({ code: "invalid_message" });
    expect(await client.next("error", null)).toMatchObject({ code: "rate_limited" });
    await new Promise((r) => setTimeout(r, 100));
    expect(client.messages.filter((m) => m.type === "error")).toHaveLength(0); // one answer per window
  });

  it("allows one running and one waiting run per learner, queues others with positions, and answers busy when full", async () => {
    const { port, pipeline } = await start();
    const a = await connect(port, { learner: "a" });
    const otherTab = await connect(port, { learner: "a" });
    const runA = a.startRun();
    await a.next("accepted", runA);
    const secondA = otherTab.startRun();
    expect(await otherTab.next("accepted", secondA)).toMatchObject({ position: 1 });
    const third = a.startRun();
    expect(await a.next("error", third)).toMatchObject({
      code: "already_running",
      message: expect.stringMatching(/one building and one waiting is the most per learner/),
    });
    otherTab.cancel(secondA);
    expect(await otherTab.next("finished", secondA)).toMatchObject({ state: "cancelled" });

    const b = await connect(port, { learner: "b" });
    const c = await connect(port, { learner: "c" });
    const d = await connect(port, { learner: "d" });
    const runB = b.startRun();
    expect(await b.next("accepted", runB)).toMatchObject({ position: 1 });
    const runC = c.startRun();
    expect(await c.next("accepted", runC)).toMatchObject({ position: 2 });
    const runD = d.startRun();
    expect(await d.next("error", runD)).toMatchObject({ code: "busy" });

    pipeline.running.get(runA)?.("passed");
    expect(await b.next("queue", runB)).toMatchObject({ position: 0 });
    expect(await c.next("queue", runC)).toMatchObject({ position: 1 });
  });

  it("cancels a queued run and a running one, and cancels a closed connection's runs", async () => {
    const { port, pipeline, store } = await start();
    const { a, b, runA, runB } = await oneRunningOneQueued(port);

    b.ws.send(JSON.stringify({ type: "cancel", runId: runB }));
    expect(await b.next("finished", runB)).toMatchObject({ state: "cancelled" });
    a.ws.send(JSON.stringify({ type: "cancel", runId: runA }));
    expect(await a.next("finished", runA)).toMatchObject({ state: "cancelled" });
    await expect.poll(() => store.rows.get(runA)?.state).toBe("cancelled");
    expect(store.rows.get(runB)?.state).toBe("cancelled");
    // A late cancel of a run that just ended is not an error.
    a.ws.send(JSON.stringify({ type: "cancel", runId: runA }));

    const runA2 = a.startRun();
    await a.next("accepted", runA2);
    a.ws.close();
    await expect.poll(() => store.rows.get(runA2)?.state).toBe("cancelled");
    expect(pipeline.running.size).toBe(0);
    expect(b.messages.filter((m) => m.type === "error")).toEqual([]);
  });

  it("does not start a run whose submission cannot be written", async () => {
    const store = createMemoryRunStore();
    const failing: RunStore = { ...store, createSubmission: async () => Promise.reject(new Error("disk I/O error")) };
    const { port, pipeline } = await start({ store: failing });
    const client = await connect(port);
    const runId = client.startRun();
    expect(await client.next("error", runId)).toMatchObject({ code: "database_unavailable" });
    expect(pipeline.running.size).toBe(0);
    // The learner's place was given back.
    const retry = client.startRun();
    expect(await client.next("error", retry)).toMatchObject({ code: "database_unavailable" });
  });

  it("serves /health with engine, limits, queue and database", async () => {
    const { port } = await start();
    const res = await fetch(`http://127.0.0.1:${port}/health`);
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body).toMatchObject({
      ok: true,
      engine: { reachable: true, version: "20.10-fake" },
      queue: { running: 0, queued: 0, max: 2 },
      database: { reachable: true },
    });
    expect(body.limits).toContainEqual(expect.objectContaining({ name: "container.pids", enforced: true }));
    expect((await fetch(`http://127.0.0.1:${port}/nope`)).status).toBe(404);
  });

  it("on shutdown ends running and queued runs as interrupted and closes sockets", async () => {
    const { runner, port, store } = await start();
    const { a, b, runA, runB } = await oneRunningOneQueued(port);
    const closed = new Promise((r) => a.ws.once("close", (code) => r(code)));
    await runner.shutdown();
    current = null;
    expect(await a.next("finished", runA)).toMatchObject({ state: "interrupted" });
    expect(await b.next("finished", runB)).toMatchObject({ state: "interrupted" });
    expect(await closed).toBe(1001);
    expect(store.rows.get(runA)?.state).toBe("interrupted");
    expect(store.rows.get(runB)?.state).toBe("interrupted");
  });

  it("closes idle connections", async () => {
    const { port } = await start({ socket: { idleTimeoutMs: 100 } });
    const client = await connect(port);
    const code = await new Promise((r) => client.ws.once("close", (c) => r(c)));
    expect(code).toBe(4000);
  });
});
