/**
 * A class at once (issue 4, "Load and fairness"): 30 learners, each with their own signed token and
 * WebSocket, press Run in the same instant on one runner (`startRunner`, main.ts's wiring, with the
 * real queue limits) building for real on the engine. Proves: every accepted run ends in a terminal
 * state on the socket and in the database; runs start first come, first served; no learner ever
 * holds more than one running and one waiting run; a full queue answers `busy` instead of growing;
 * every learner who waited was told a position that counted down to 0; learners refused as busy
 * retry and pass; and afterwards the runner holds nothing (queue, store writes, sockets) and its heap
 * is back near where it began.
 *
 * The fixture exercise builds on `stagecraft/busybox:1.35` and is cached after the first run, so a
 * run is a second or two of build and checks; about 45 runs take one to two minutes on a shared
 * machine. No speed is asserted (that is `npm run bench`'s job).
 */
import { randomBytes } from "node:crypto";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDocker } from "./engine";
import { SANDBOX_LIMITS } from "./limits";
import type { RunOutcome } from "./run-pipeline";
import { createDbRunStore, type RunStore } from "./run-store";
import type { TestClient } from "./test-client";
import { startTestRunner, type TestRunner } from "./test-runner";
import {
  FIXTURE_EXERCISE_ID as exerciseId,
  FIXTURE_SOLUTION as SOLUTION,
  migratedTempDatabase,
  readSubmission,
  type TempDatabase,
} from "./test-support";

const secret = "load-test-secret-0123456789abcdef";
const origin = "http://localhost:3997";
const docker = createDocker("/var/run/docker.sock");
const tag = `load${randomBytes(4).toString("hex")}`;
const LEARNERS = 30;
const { buildSlots, maxQueued } = SANDBOX_LIMITS.queue;
const capacity = buildSlots + maxQueued;
/** Generous: the last of ~21 queued runs waits for all the others on a busy shared engine. */
const RUN_WAIT_MS = 200_000;
const MiB = 1024 * 1024;

let database: TempDatabase;
let started: TestRunner;
const outcomes = new Map<string, RunOutcome>();
/** The order runs entered the queue (after their row was written) and the order they started. */
const enqueued: string[] = [];
const startedOrder: string[] = [];
/** Learner of each accepted run; runs currently building, by learner. */
const learnerOf = new Map<string, string>();
const building = new Map<string, Set<string>>();
const violations: string[] = [];
let peakRuns = 0;
let sampler: NodeJS.Timeout;

/** A full GC before reading the heap, so the figures compare live objects, not garbage. */
const gc = (() => {
  setFlagsFromString("--expose-gc");
  return runInNewContext("gc") as () => void;
})();
const heapUsed = () => {
  gc();
  return process.memoryUsage().heapUsed;
};

beforeAll(async () => {
  database = await migratedTempDatabase("sc-load-");
  const inner = await createDbRunStore(database.url);
  const store: RunStore = {
    ...inner,
    async markRunning(id) {
      // Called as the queue starts the run: the start order, and who is building right now.
      startedOrder.push(id);
      const learner = learnerOf.get(id) ?? "?";
      const mine = building.get(learner) ?? new Set<string>();
      if (mine.size > 0) violations.push(`${learner} had ${[...mine].join(", ")} building when ${id} started`);
      building.set(learner, mine.add(id));
      await inner.markRunning(id);
    },
  };
  started = await startTestRunner(database, {
    secret,
    origin,
    prefix: tag,
    env: { RUNNER_BUILD_SLOTS: String(buildSlots), RUNNER_QUEUE_MAX: String(maxQueued) },
    store,
    onOutcome(runId, outcome) {
      outcomes.set(runId, outcome);
      building.get(learnerOf.get(runId) ?? "?")?.delete(runId);
    },
  });
  // Observe (not change) the order in which runs enter the queue.
  const queue = started.runner.queue;
  const enqueue = queue.enqueue.bind(queue);
  queue.enqueue = (runId, job) => {
    enqueued.push(runId);
    return enqueue(runId, job);
  };
  sampler = setInterval(() => {
    const { runs, learners } = started.runner.stats().queue;
    peakRuns = Math.max(peakRuns, runs);
    if (learners > runs) violations.push(`queue tracks ${learners} learners for ${runs} runs`);
  }, 10);
});

afterAll(async () => {
  clearInterval(sampler);
  await started?.stop();
  await database?.remove();
});

type Learner = Awaited<ReturnType<TestRunner["learner"]>>;
const learner = (n: number): Promise<Learner> => started.learner(`learner-${String(n).padStart(2, "0")}`);

/** The runner's first answer to a start: `accepted` or a typed `error`. */
const answerTo = (c: TestClient, runId: string) => c.next(["accepted", "error"], runId, 60_000);

function submit(c: Learner): string {
  const runId = c.start(exerciseId, SOLUTION);
  learnerOf.set(runId, c.learnerId);
  return runId;
}

/** Every position the learner was told for the run, from `accepted` on. */
const positionsOf = (c: TestClient, runId: string) =>
  c.log.flatMap((m) => (m.runId === runId && (m.type === "accepted" || m.type === "queue") ? [m.position] : []));

/** The accepted run ended as `passed` on the socket and in the database, after counting down. */
async function expectPassedInTurn(c: TestClient, runId: string): Promise<void> {
  expect(await c.next("finished", runId, RUN_WAIT_MS)).toMatchObject({ state: "passed" });
  await expect.poll(() => readSubmission(database.file, runId)?.state).toBe("passed");
  const positions = positionsOf(c, runId);
  const first = positions[0]!;
  // Told its place, then each move one step at a time, down to 0 as it started; never backwards.
  expect(positions).toEqual(Array.from({ length: first + 1 }, (_, k) => first - k));
  const firstStep = c.log.findIndex((m) => m.runId === runId && m.type === "step");
  const lastPosition = c.log.findLastIndex((m) => m.runId === runId && (m.type === "accepted" || m.type === "queue"));
  expect(firstStep).toBeGreaterThan(lastPosition);
}

describe("30 learners at once on one runner", () => {
  it("serves everyone first come first served within the queue's bounds, and lets go of everything afterwards", async () => {
    const clients = await Promise.all(Array.from({ length: LEARNERS }, (_, n) => learner(n)));
    // A warm-up run, so the heap baseline already includes loaded modules and a built cache.
    const warm = submit(clients[0]!);
    await expectPassedInTurn(clients[0]!, warm);
    await expect.poll(() => started.runner.stats()).toMatchObject({ queue: { runs: 0 }, pendingWrites: 0 });
    const heapBefore = heapUsed();

    // Wave 1: everyone presses Run in the same instant.
    const wave1 = clients.map((c) => ({ c, runId: submit(c) }));
    const answers1 = await Promise.all(wave1.map(({ c, runId }) => answerTo(c, runId)));
    const accepted1 = wave1.filter((_, i) => answers1[i]!.type === "accepted");
    const refused1 = wave1.filter((_, i) => answers1[i]!.type === "error");
    for (const answer of answers1) {
      if (answer.type === "error") {
        expect(answer).toMatchObject({ code: "busy", message: expect.stringMatching(/queue is full right now; try again/) });
      }
    }
    // The queue took what it holds and refused the rest instead of growing.
    expect(refused1.length).toBeGreaterThan(0);
    expect(accepted1.length).toBeGreaterThanOrEqual(capacity);
    expect(peakRuns).toBeLessThanOrEqual(capacity);
    for (const { runId } of refused1) expect(readSubmission(database.file, runId)).toBeUndefined();
    const waited = accepted1.filter(({ c, runId }) => positionsOf(c, runId)[0]! > 0);
    expect(waited.length).toBeGreaterThanOrEqual(maxQueued - 1);

    await Promise.all(accepted1.map(({ c, runId }) => expectPassedInTurn(c, runId)));

    // Wave 2: those refused as busy press Run again, and a few learners queue a second run from
    // another tab; a third start from either tab is refused while both are in.
    const tabbed = accepted1.slice(0, 3).map(({ c }) => c);
    const secondTabs = await Promise.all(tabbed.map((c) => learner(clients.indexOf(c))));
    const wave2 = refused1.map(({ c }) => ({ c, runId: submit(c) }));
    const retried = wave2.map(({ c, runId }) => answerTo(c, runId));
    for (const [i, c] of tabbed.entries()) {
      const tab = secondTabs[i]!;
      const first = submit(c);
      expect(await answerTo(c, first)).toMatchObject({ type: "accepted" });
      const second = submit(tab);
      expect(await answerTo(tab, second)).toMatchObject({ type: "accepted" });
      for (const client of [c, tab]) {
        const third = client.start(exerciseId, SOLUTION);
        expect(await answerTo(client, third)).toMatchObject({
          type: "error",
          code: "already_running",
          message: expect.stringMatching(/one building and one waiting is the most per learner/),
        });
        expect(readSubmission(database.file, third)).toBeUndefined();
      }
      wave2.push({ c, runId: first }, { c: tab, runId: second });
    }
    const answers2 = await Promise.all(retried);
    expect(answers2.map((a) => a.type)).toEqual(refused1.map(() => "accepted"));
    await Promise.all(wave2.map(({ c, runId }) => expectPassedInTurn(c, runId)));

    // First come, first served: runs started in exactly the order they entered the queue.
    expect(startedOrder).toEqual(enqueued);
    expect(startedOrder).toHaveLength(1 + accepted1.length + wave2.length);
    expect(violations).toEqual([]);
    expect(peakRuns).toBeLessThanOrEqual(capacity);

    // Afterwards the runner holds nothing for any run, and every run's image is gone.
    for (const c of [...clients, ...secondTabs]) c.ws.close();
    await expect
      .poll(() => started.runner.stats(), { timeout: 10_000 })
      .toEqual({ queue: { runs: 0, waiting: 0, running: 0, learners: 0 }, pendingWrites: 0, connections: 0 });
    expect(started.runner.queue.stats()).toMatchObject({ running: 0, queued: 0 });
    for (const runId of startedOrder) {
      const imageTag = outcomes.get(runId)?.imageTag;
      expect(imageTag, runId).toMatch(/^stagecraft-run\//);
      await expect(docker.getImage(imageTag!).inspect()).rejects.toMatchObject({ statusCode: 404 });
    }
    // A sanity bound, not a target: ~45 runs must not leave tens of MiB behind in the runner.
    const heapGrowth = heapUsed() - heapBefore;
    console.info(
      `[load] ${startedOrder.length} runs, ${refused1.length} busy in wave 1, peak ${peakRuns} runs held, heap ${(heapBefore / MiB).toFixed(1)} MiB → ${((heapBefore + heapGrowth) / MiB).toFixed(1)} MiB`,
    );
    expect(heapGrowth).toBeLessThan(32 * MiB);
  });
});
