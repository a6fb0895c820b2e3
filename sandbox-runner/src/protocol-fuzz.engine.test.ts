/**
 * WebSocket protocol attacks on the real runner (issue 4, DESIGN.md §4 "protocol abuse"):
 * `startRunner` (main.ts's wiring) on the real engine with a temporary SQLite database and the
 * fixture course, attacked over real sockets.
 *
 * - A seeded fuzz of 10 000 generated frames (fuzz-frames.ts): every frame gets exactly one typed
 *   `error`, the one it deserves, tied to its run id when it has a valid one; no prototype is
 *   polluted; the runner stays up and still builds and passes a normal learner's run, during and
 *   after. The per-connection rate limit would answer almost all of them `rate_limited`, so this
 *   runner's limit is raised through the `socket` override; everything else is SANDBOX_LIMITS'.
 * - The real limits, on a runner with SANDBOX_LIMITS.socket untouched: a flood is refused
 *   `rate_limited` and then cut off (1008) while another learner builds; an oversize frame gets
 *   `frame_too_large` and the connection lives on; beyond the hard cap the socket closes 1009;
 *   invalid UTF-8 in a text frame closes 1007; many connections of one learner are served, and the
 *   per-learner run limit holds across them. Idle connections close (on a runner whose idle time
 *   is shortened, since the real one is 10 minutes).
 *
 * Reproduce a failure with FUZZ_SEED=<the seed in the failure message>.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ErrorCode, parseServerMessage, type ServerMessage } from "../../lib/protocol";
import { fuzzFrames, type FuzzFrame } from "./fuzz-frames";
import { SANDBOX_LIMITS } from "./limits";
import type { SocketLimits } from "./socket-session";
import type { TestClient } from "./test-client";
import { startTestRunner, type TestRunner } from "./test-runner";
import {
  FIXTURE_EXERCISE_ID as exerciseId,
  FIXTURE_SOLUTION as SOLUTION,
  migratedTempDatabase,
  readSubmission,
  type TempDatabase,
} from "./test-support";

const secret = "fuzz-test-secret-0123456789abcdef";
const origin = "http://localhost:3996";
const tag = `fz${randomBytes(4).toString("hex")}`;
const SEED = Number(process.env.FUZZ_SEED ?? 0x5eed_f022);
const FRAMES = 10_000;
const CONNECTIONS = 4;
const BATCH = 200;
const { socket: limits } = SANDBOX_LIMITS;

let database: TempDatabase;
/** Rate limit raised for the fuzz; everything else as shipped. */
let fuzzRunner: TestRunner;
/** SANDBOX_LIMITS.socket exactly. */
let realRunner: TestRunner;
/** Idle connections close after half a second. */
let idleRunner: TestRunner;

const start = (socket?: Partial<SocketLimits>) => startTestRunner(database, { secret, origin, prefix: tag, ...(socket && { socket }) });

beforeAll(async () => {
  database = await migratedTempDatabase("sc-fuzz-");
  // All three share one database; each marks unfinished runs interrupted at start-up, so all
  // start before any run does.
  fuzzRunner = await start({ messagesPerWindow: 1_000_000_000 });
  realRunner = await start();
  idleRunner = await start({ idleTimeoutMs: 500 });
});

afterAll(async () => {
  for (const r of [fuzzRunner, realRunner, idleRunner]) await r?.runner.shutdown();
  await fuzzRunner?.stop(); // also closes the shared database client
  await database?.remove();
});


/** A normal learner's run builds and passes, on the socket and in the database. */
async function expectNormalRunPasses(r: TestRunner, name: string): Promise<void> {
  const c = await r.learner(name);
  const runId = c.start(exerciseId, SOLUTION);
  const finished = await c.next("finished", runId, 120_000);
  const checks = c.log.find((m) => m.type === "checks" && m.runId === runId);
  expect({ state: finished.state, checks }).toMatchObject({ state: "passed" });
  await expect.poll(() => readSubmission(database.file, runId)?.state).toBe("passed");
  c.ws.close();
}

const errors = (c: TestClient) => c.log.filter((m): m is Extract<ServerMessage, { type: "error" }> => m.type === "error");
const answerKey = (e: { code: string; runId: string | null }) => `${e.code} ${e.runId ?? "-"}`;
const health = (r: TestRunner) => fetch(`${r.url}/health`).then((res) => res.status);

describe("protocol fuzz", () => {
  it(`answers each of ${FRAMES} generated hostile frames with its typed error, stays up, and still builds (seed ${SEED})`, async () => {
    const frames = fuzzFrames(SEED, FRAMES, limits);
    const kinds = new Set(frames.map((f) => f.kind));
    expect(kinds.size).toBeGreaterThanOrEqual(20); // every family, large ones included, was drawn
    const prototypeBefore = Object.getOwnPropertyNames(Object.prototype).sort();

    // A learner builds while the fuzz runs: the runner keeps serving others.
    const during = expectNormalRunPasses(fuzzRunner, "during");
    const shares: FuzzFrame[][] = Array.from({ length: CONNECTIONS }, (_, i) => frames.filter((_, n) => n % CONNECTIONS === i));
    const clients = await Promise.all(shares.map((_, i) => fuzzRunner.learner(`fuzzer-${i}`)));
    // Sent in batches, each once the last is answered, as a client with backpressure would: a burst
    // of thousands of frames at once would only measure how long the event loop can be kept busy
    // (in production the rate limit stops that long before).
    const fuzzStarted = Date.now();
    await Promise.all(
      shares.map(async (share, i) => {
        const c = clients[i]!;
        for (let from = 0; from < share.length; from += BATCH) {
          for (const frame of share.slice(from, from + BATCH)) c.ws.send(frame.data, { binary: frame.binary });
          const sent = Math.min(from + BATCH, share.length);
          await expect
            .poll(() => c.log.length, { timeout: 60_000, interval: 20, message: `connection ${i}, frames up to ${sent} (seed ${SEED})` })
            .toBeGreaterThanOrEqual(sent);
        }
      }),
    );
    console.info(`[fuzz] ${FRAMES} frames answered in ${((Date.now() - fuzzStarted) / 1000).toFixed(1)} s`);

    for (const [i, c] of clients.entries()) {
      // A last frame with an answer of its own: anything extra for the fuzz frames has arrived by now
      // (a runner answers a connection's frames in order, except starts, which answer after a lookup).
      const sentinel = crypto.randomUUID();
      c.cancel(sentinel);
      await expect.poll(() => c.log.some((m) => m.runId === sentinel)).toBe(true);
      const answers = c.log.filter((m) => m.runId !== sentinel);
      // Exactly one answer per frame, each a valid `error` with a known code ...
      expect(answers.length, `seed ${SEED}`).toBe(shares[i]!.length);
      for (const answer of answers) {
        expect(parseServerMessage(JSON.stringify(answer)).ok).toBe(true);
        expect(answer.type).toBe("error");
        expect(ErrorCode.options).toContain((answer as { code: string }).code);
      }
      // ... and the one each frame deserves, for its run when it has a valid run id.
      const got = errors(c).filter((m) => m.runId !== sentinel).map(answerKey).sort();
      const owed = shares[i]!.map((f) => answerKey(f.expect)).sort();
      expect(got, `seed ${SEED}`).toEqual(owed);
      expect(c.ws.readyState).toBe(c.ws.OPEN);
    }

    // Nothing leaked into prototypes, nothing was recorded, nothing is held.
    expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(prototypeBefore);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    for (const frame of frames) if (frame.expect.runId) expect(readSubmission(database.file, frame.expect.runId)).toBeUndefined();
    await during;
    for (const c of clients) c.ws.close();
    await expect.poll(() => fuzzRunner.runner.stats()).toMatchObject({ queue: { runs: 0, learners: 0 }, pendingWrites: 0, connections: 0 });
    expect(await health(fuzzRunner)).toBe(200);
    await expectNormalRunPasses(fuzzRunner, "after");
  });
});

describe("the real socket limits", () => {
  it(`a flood is refused rate_limited, then cut off (1008), while another learner builds`, async () => {
    const builder = expectNormalRunPasses(realRunner, "bystander");
    // Up to five times the budget: one `rate_limited` answer, the rest ignored, the socket open.
    const eager = await realRunner.learner("eager");
    for (let i = 0; i < limits.messagesPerWindow * 3; i += 1) eager.ws.send("{}");
    await expect.poll(() => errors(eager).some((e) => e.code === "rate_limited")).toBe(true);
    expect(errors(eager).map((e) => e.code)).toEqual([...Array(limits.messagesPerWindow).fill("invalid_message"), "rate_limited"]);
    expect(errors(eager).at(-1)?.message).toMatch(`at most ${limits.messagesPerWindow} per ${limits.windowMs / 1000} s`);
    expect(eager.ws.readyState).toBe(eager.ws.OPEN);

    // Past five times the budget within the window: cut off.
    const flooder = await realRunner.learner("flooder");
    for (let i = 0; i < limits.messagesPerWindow * 10; i += 1) flooder.ws.send(`{"type":"cancel","runId":"${crypto.randomUUID()}"}`);
    expect(await flooder.closed).toBe(1008);
    expect(errors(flooder).map((e) => e.code)).toEqual([...Array(limits.messagesPerWindow).fill("invalid_message"), "rate_limited"]);

    await builder;
    // The flooder may come back on a new connection.
    const again = await realRunner.learner("flooder");
    again.cancel(crypto.randomUUID());
    expect(await again.next("error")).toMatchObject({ code: "invalid_message", message: expect.stringMatching(/no run with this id/) });
    eager.ws.close();
    again.ws.close();
  });

  it("an oversize frame gets frame_too_large and the connection lives on; past the hard cap it closes 1009 and the runner stays up", async () => {
    const c = await realRunner.learner("big");
    c.ws.send("x".repeat(limits.maxFrameBytes + 1));
    expect(await c.next("error", null)).toMatchObject({ code: "frame_too_large", message: expect.stringMatching(/over the runner's limit of 256 KiB/) });
    c.ws.send(Buffer.alloc(2 * 1024 * 1024), { binary: true });
    expect(await c.next("error", null)).toMatchObject({ code: "frame_too_large" });
    c.cancel(crypto.randomUUID());
    expect(await c.next("error")).toMatchObject({ code: "invalid_message" });

    c.ws.send(Buffer.alloc(limits.hardMaxFrameBytes + 1, 0x20));
    expect(await c.closed).toBe(1009);
    expect(await health(realRunner)).toBe(200);
    await expectNormalRunPasses(realRunner, "after-1009");
  });

  it("a text frame that is not UTF-8 closes the connection 1007 (RFC 6455), and the runner stays up", async () => {
    const c = await realRunner.learner("latin1");
    c.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    expect(await c.closed).toBe(1007);
    const other = await realRunner.learner("latin1");
    other.cancel(crypto.randomUUID());
    expect(await other.next("error")).toMatchObject({ code: "invalid_message" });
    other.ws.close();
  });

  it("many connections of one learner are each served, and the learner still holds at most one running and one waiting run", async () => {
    const tabs = await Promise.all(Array.from({ length: 40 }, () => realRunner.learner("many-tabs")));
    const runIds = tabs.map((t) => t.start(exerciseId, SOLUTION));
    const answers = await Promise.all(
      tabs.map(async (t, i) => {
        const m = await t.next(["accepted", "error"], runIds[i], 30_000);
        return m.type === "error" ? m.code : m.type;
      }),
    );
    expect(answers.filter((a) => a === "accepted")).toHaveLength(2);
    expect(answers.filter((a) => a === "already_running")).toHaveLength(38);
    const accepted = tabs.flatMap((t, i) => (answers[i] === "accepted" ? [{ t, runId: runIds[i]! }] : []));
    for (const { t, runId } of accepted) expect(await t.next("finished", runId, 120_000)).toMatchObject({ state: "passed" });
    // Every tab is still open and answering.
    for (const t of tabs) {
      const unknown = crypto.randomUUID();
      t.cancel(unknown);
      expect(await t.next("error", unknown, 10_000)).toMatchObject({ code: "invalid_message" });
    }
    for (const t of tabs) t.ws.close();
    await expect.poll(() => realRunner.runner.stats()).toMatchObject({ queue: { runs: 0 }, connections: 0 });
  });

  it("closes a connection that sends nothing (idle timeout), but not one whose run is building", async () => {
    const idle = await idleRunner.learner("idle");
    expect(await idle.closed).toBe(4000);
    const busy = await idleRunner.learner("busy");
    const runId = busy.start(exerciseId, SOLUTION);
    expect(await busy.next("finished", runId, 120_000)).toMatchObject({ state: "passed" });
    expect(await busy.closed).toBe(4000); // idle again once the run is over
  });
});
