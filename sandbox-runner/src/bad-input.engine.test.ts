/**
 * Bad input against the real runner (issue 2): every refusal reaches the learner as a typed error
 * with a message they can act on, every run that got a Submission row ends in a terminal state,
 * and nothing outlives a run: no `stagecraft-run/*` image, no labelled check container, no build
 * process on the host. The wiring (and its two deliberate departures from `main.ts`) is
 * engine-harness.ts; the resource attacks (bombs, floods, hangs, escapes) are attacks.engine.test.ts.
 */
import { randomBytes } from "node:crypto";
import { writeFile } from "node:fs/promises";
import { createServer as createNetServer, type Server as NetServer, type Socket } from "node:net";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { BUSYBOX, docker, openEngineHarness, processesWith, sleepMarkers, type EngineHarness, type TestRunner } from "./engine-harness";
import { HealthReport } from "./health";
import { SANDBOX_LIMITS } from "./limits";
import type { TestClient } from "./test-client";
import { FIXTURE_EXERCISE_ID as exerciseId, FIXTURE_SOLUTION as SOLUTION } from "./test-support";

/** The build's wall-clock limit is shortened (see engine-harness.ts); the log cap is the real one. */
const TEST_BUILD = { timeoutMs: 8_000, logCapBytes: SANDBOX_LIMITS.build.logCapBytes };
const nextSleep = sleepMarkers(7_000);
/** Marks this file's build output. */
const tag = `qa${randomBytes(4).toString("hex")}`;

let h: EngineHarness;
let live: TestRunner;
let dir: string;
const client = (r: TestRunner, learner: string) => h.client(r, learner);
const start = (c: TestClient, dockerfile: string, runId?: string) => h.start(c, dockerfile, runId === undefined ? {} : { runId });
const row = (id: string) => h.row(id);
const expectNothingLeft: EngineHarness["expectNothingLeft"] = (...a) => h.expectNothingLeft(...a);
const expectRefusedWithoutBuild = (c: TestClient, runId: string, code: Parameters<EngineHarness["expectRefusedWithoutBuild"]>[2], message: RegExp) =>
  h.expectRefusedWithoutBuild(c, runId, code, message);

beforeAll(async () => {
  h = await openEngineHarness({ name: "bad-input", build: TEST_BUILD });
  live = h.live;
  dir = h.dir;
});

afterAll(async () => {
  await h?.close();
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
      const down = await h.startTestRunner({ socketPath });
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
      const down = await h.startTestRunner({ socketPath: hung });
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

  // Last: a summary over every run this file started.
  it("leaves no Submission queued or running and no image of any of its runs", async () => {
    await h.expectAllSettled();
    expect(h.allRunIds.length).toBeGreaterThan(10);
  });
});
