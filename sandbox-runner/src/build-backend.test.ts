// What the runner *sends* cannot be observed on the real engine, and neither can an engine that is
// down or drops the connection: a tiny HTTP server on a unix socket plays the engine here, replaying
// response bodies recorded from the real one. Real builds are in build-backend.engine.test.ts.
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import http from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import protobuf from "protobufjs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { BuildStep } from "@/lib/protocol";
import { buildQuery, clipMessage, runBuild, type BuildLogEvent } from "./build-backend";
import { createDocker } from "./engine";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "__fixtures__", name), "utf8");

type Seen = { method: string; url: string; headers: http.IncomingHttpHeaders; body: Buffer };
let dir: string;
let socket: string;
let server: http.Server;
let seen: Seen[];
let handler: (req: Seen, res: http.ServerResponse) => void;

beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sc-fake-engine-"));
  socket = path.join(dir, "docker.sock");
  seen = [];
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const s = { method: req.method ?? "", url: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(s);
      handler(s, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
});
afterEach(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await rm(dir, { recursive: true, force: true });
});

function options(over: Partial<Parameters<typeof runBuild>[0]> = {}) {
  const steps: BuildStep[] = [];
  const logs: BuildLogEvent[] = [];
  const opts = {
    docker: createDocker(socket),
    context: Buffer.from("pretend this is a tar"),
    tag: "stagecraft-run:abc123",
    signal: new AbortController().signal,
    timeoutMs: 10_000,
    logCapBytes: 1 << 20,
    onStep: (s: BuildStep) => steps.push(s),
    onLog: (e: BuildLogEvent) => logs.push(e),
    ...over,
  };
  return { opts, steps, logs };
}

const answerBuildWith = (body: string, size = 2_000_000) => (req: Seen, res: http.ServerResponse) => {
  if (req.url.startsWith("/build")) {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(body);
  } else if (req.method === "GET" && req.url.startsWith("/images/")) {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ Id: "sha256:from-inspect", Size: size }));
  } else {
    res.writeHead(req.method === "DELETE" ? 200 : 404, { "Content-Type": "application/json" });
    res.end(req.method === "DELETE" ? "[]" : '{"message":"not found"}');
  }
};

describe("runBuild on the wire", () => {
  it("sends one POST /build with the fixed query, the tar body and no session or credentials", async () => {
    handler = answerBuildWith(fixture("multi-stage.jsonl"));
    const { opts } = options();
    await runBuild(opts);
    const builds = seen.filter((s) => s.url.startsWith("/build"));
    expect(builds).toHaveLength(1);
    const req = builds[0]!;
    expect(req.method).toBe("POST");
    const query = Object.fromEntries(new URL(req.url, "http://x").searchParams);
    expect(query).toEqual(buildQuery(opts.tag));
    expect(query).toMatchObject({ version: "2", networkmode: "none", pull: "0" });
    expect(Object.keys(req.headers).filter((h) => /registry|auth/i.test(h))).toEqual([]);
    expect(req.headers["content-type"]).toBe("application/tar");
    expect(req.body.equals(opts.context)).toBe(true);
    // dockerode's buildImage would have opened a gRPC session first (answering credential requests)
    expect(seen.some((s) => s.url.includes("session"))).toBe(false);
  });

  it("adds BuildKit's target parameter only for a variant build that names one", async () => {
    expect(buildQuery("t:1")).not.toHaveProperty("target");
    handler = answerBuildWith(fixture("multi-stage.jsonl"));
    const { opts } = options();
    const outcome = await runBuild({ ...opts, target: "release" });
    const req = seen.find((s) => s.url.startsWith("/build"))!;
    expect(Object.fromEntries(new URL(req.url, "http://x").searchParams)).toEqual({ ...buildQuery(opts.tag), target: "release" });
    // The size comes from the inspect that ends every build: variant builds compare it.
    expect(outcome).toMatchObject({ ok: true, sizeBytes: 2_000_000 });
  });

  it("streams steps and logs from a recorded build and succeeds with the image id", async () => {
    handler = answerBuildWith(fixture("multi-stage.jsonl"));
    const { opts, steps, logs } = options();
    const outcome = await runBuild(opts);
    expect(outcome).toMatchObject({ ok: true, imageId: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) });
    expect(outcome.steps.map((s) => s.number)).toEqual(outcome.steps.map((_, i) => i + 1));
    expect(steps.length).toBeGreaterThanOrEqual(outcome.steps.length);
    expect(logs.map((l) => l.chunk).join("")).toContain("compiling");
  });

  it("turns errorDetail into build_failed naming the step, its error and its last output", async () => {
    handler = answerBuildWith(fixture("failing-run.jsonl"));
    const outcome = await runBuild(options().opts);
    expect(outcome).toMatchObject({ ok: false, code: "build_failed" });
    if (outcome.ok) return;
    expect(outcome.message).toMatch(/^Step #\d+ \[2\/2\] RUN .*ls \/nope failed: executor failed running/);
    expect(outcome.message).toMatch(/Last output:\n(.*\n)*about to fail\nls: \/nope: No such file or directory$/);
  });

  it("reports an error from before any step ran without the frontend plumbing", async () => {
    const msg = "failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 2: unknown instruction: RUNN";
    handler = answerBuildWith(JSON.stringify({ errorDetail: { message: msg }, error: msg }) + "\n");
    const outcome = await runBuild(options().opts);
    expect(outcome).toMatchObject({ ok: false, code: "build_failed", message: "dockerfile parse error line 2: unknown instruction: RUNN" });
  });

  it("deletes an image over the size cap and reports image_too_large", async () => {
    handler = answerBuildWith(fixture("multi-stage.jsonl"), 5 * 1024 * 1024);
    const outcome = await runBuild({ ...options().opts, maxImageBytes: 1024 * 1024 });
    expect(outcome).toMatchObject({ ok: false, code: "image_too_large", message: expect.stringContaining("5.0 MiB") });
    expect(seen.some((s) => s.method === "DELETE" && s.url.startsWith("/images/stagecraft-run:abc123"))).toBe(true);
  });

  it("reports an HTTP error before streaming as build_failed with the engine's message", async () => {
    handler = (_req, res) => {
      res.writeHead(500, { "Content-Type": "application/json" });
      res.end('{"message":"invalid networkmode"}');
    };
    const outcome = await runBuild(options().opts);
    expect(outcome).toMatchObject({ ok: false, code: "build_failed", message: expect.stringContaining("invalid networkmode") });
  });

  it("reports a connection dropped mid-build as engine_unavailable", async () => {
    handler = (_req, res) => {
      res.writeHead(200, { "Content-Type": "application/json" });
      res.write(fixture("multi-stage.jsonl").split("\n").slice(0, 5).join("\n") + "\n");
      setTimeout(() => res.socket?.destroy(), 50);
    };
    const outcome = await runBuild(options().opts);
    expect(outcome).toMatchObject({ ok: false, code: "engine_unavailable" });
  });
});

describe("runBuild without an engine", () => {
  it("answers engine_unavailable with a human message when the socket is missing", async () => {
    const outcome = await runBuild({ ...options().opts, docker: createDocker(path.join(dir, "nothing.sock")) });
    expect(outcome).toMatchObject({ ok: false, code: "engine_unavailable", message: expect.stringContaining("not reachable") });
  });

  it("answers cancelled at once when the signal is already aborted", async () => {
    handler = answerBuildWith(fixture("multi-stage.jsonl"));
    const ac = new AbortController();
    ac.abort();
    const outcome = await runBuild({ ...options().opts, signal: ac.signal });
    expect(outcome).toMatchObject({ ok: false, code: "cancelled" });
  });
});

// BuildKit's clip marker, byte for byte as Docker 20.10's BuildKit appended it to the 200 KiB chunk
// of a `RUN yes` (recorded with a probe build; after it the engine sent nothing for ~12 s).
const CLIP = "\n[output clipped, log limit 200KiB/s reached]\n";
const FLOOD_STEP = "sha256:flood";

/** One `moby.buildkit.trace` line, encoded by field number (independent of the decoder's schema). */
function traceLine(u: { started?: string; completed?: string; logs?: (string | Buffer)[] }): string {
  const w = protobuf.Writer.create();
  const ts = protobuf.Writer.create().uint32((1 << 3) | 0).int64(1_700_000_000).finish();
  for (const [digest, done] of [[u.started, false], [u.completed, true]] as const) {
    if (!digest) continue;
    const v = protobuf.Writer.create().uint32((1 << 3) | 2).string(digest).uint32((3 << 3) | 2).string("[2/2] RUN yes").uint32((5 << 3) | 2).bytes(ts);
    if (done) v.uint32((6 << 3) | 2).bytes(ts);
    w.uint32((1 << 3) | 2).bytes(v.finish());
  }
  for (const msg of u.logs ?? []) {
    const l = protobuf.Writer.create().uint32((1 << 3) | 2).string(FLOOD_STEP).uint32((3 << 3) | 0).int64(1).uint32((4 << 3) | 2).bytes(Buffer.from(msg));
    w.uint32((3 << 3) | 2).bytes(l.finish());
  }
  return JSON.stringify({ id: "moby.buildkit.trace", aux: Buffer.from(w.finish()).toString("base64") }) + "\n";
}

/** Plays an engine that sends `lines` and then, like BuildKit after a clip, stays silent. */
function silentAfter(lines: string[], closed: { at?: number }) {
  return (req: Seen, res: http.ServerResponse) => {
    if (!req.url.startsWith("/build")) return answerBuildWith("")(req, res);
    res.writeHead(200, { "Content-Type": "application/json" });
    res.on("close", () => (closed.at = performance.now()));
    for (const l of lines) res.write(l);
  };
}

describe("runBuild and BuildKit's per-step output clip", () => {
  const flood = "y\n".repeat(16 * 1024);

  it("stops at the clip marker with log_limit at once, although the engine then stays silent", async () => {
    const closed: { at?: number } = {};
    handler = silentAfter([traceLine({ started: FLOOD_STEP }), traceLine({ logs: [flood] }), traceLine({ logs: [flood.slice(0, 999) + CLIP] })], closed);
    const { opts, steps, logs } = options({ timeoutMs: 30_000 });
    const t0 = performance.now();
    const outcome = await runBuild(opts);
    expect(performance.now() - t0).toBeLessThan(2_000);
    expect(outcome).toMatchObject({
      ok: false,
      code: "log_limit",
      message: "Step #1 printed more than 200 KiB of output and was stopped by the sandbox, which ended the build; send less output, e.g. redirect verbose tools to a file or use quiet flags.",
    });
    expect(steps.at(-1)).toMatchObject({ id: FLOOD_STEP, status: "failed", error: "stopped: output limit" });
    // The learner sees the output up to and including BuildKit's own note.
    expect(logs.map((l) => l.chunk).join("")).toMatch(/y\n\[output clipped, log limit 200KiB\/s reached\]\n$/);
    // Dropping the request is what makes the daemon kill the step (DESIGN.md §2).
    await expect.poll(() => closed.at, { timeout: 1_000 }).toBeDefined();
  });

  it("finds a marker cut across chunks and hidden behind an unterminated escape sequence", async () => {
    const closed: { at?: number } = {};
    const cut = CLIP.indexOf("clipped");
    handler = silentAfter(
      [traceLine({ started: FLOOD_STEP }), traceLine({ logs: ["\u001b]0;never terminated " + flood.slice(0, 99) + CLIP.slice(0, cut)] }), traceLine({ logs: [CLIP.slice(cut)] })],
      closed,
    );
    const outcome = await runBuild(options({ timeoutMs: 30_000 }).opts);
    expect(outcome).toMatchObject({ ok: false, code: "log_limit", message: expect.stringMatching(/^Step #1 printed more than 200 KiB/) });
  });

  it("treats a clipped step as log_limit even when the step then ends and the build succeeds", async () => {
    // `yes | head -c 5000000`: BuildKit clips, the step finishes, the image is exported. The whole
    // body arrives in one chunk, so the clip is handled after the response is complete: aborting
    // then used to throw an uncaught AbortError from Node's socket (vitest fails on it).
    handler = answerBuildWith(
      [traceLine({ started: FLOOD_STEP }), traceLine({ logs: [flood + CLIP] }), traceLine({ completed: FLOOD_STEP })].join("") +
        '{"id":"moby.image.id","aux":{"ID":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}}\n',
    );
    const outcome = await runBuild(options().opts);
    expect(outcome).toMatchObject({ ok: false, code: "log_limit" });
  });

  it("lets a step print 100 KiB without a clip marker", async () => {
    const hundredKiB = "y\n".repeat(50 * 1024);
    handler = answerBuildWith(
      [traceLine({ started: FLOOD_STEP }), traceLine({ logs: [hundredKiB.slice(0, 60_000), hundredKiB.slice(60_000)] }), traceLine({ completed: FLOOD_STEP })].join("") +
        '{"id":"moby.image.id","aux":{"ID":"sha256:0000000000000000000000000000000000000000000000000000000000000000"}}\n',
    );
    const { opts, logs } = options();
    const outcome = await runBuild(opts);
    expect(outcome).toMatchObject({ ok: true });
    expect(logs.map((l) => l.chunk).join("")).toBe(hundredKiB);
  });

  it("words other limits BuildKit may report, and a limit it cannot read", () => {
    expect(clipMessage(3, "1MiB")).toMatch(/^Step #3 printed more than 1 MiB of output and was stopped/);
    expect(clipMessage(undefined, "something new")).toMatch(/^A step printed more output than BuildKit keeps for one step and was stopped/);
  });
});
