/**
 * The baseline the runner is measured against: the same work done straight through the Engine
 * API, with nothing of the runner in between. A build is `POST /build` with the runner's own
 * query (`buildQuery`) and the context tar the runner would send, read to the end of the stream
 * over plain HTTP on the socket. A graded run is that build, then the image inspect and history
 * the report reads, then, check by check, the engine calls the runner's graders make (the same
 * sandbox HostConfig, the same probe container, the same variant rebuild) in one straight line.
 *
 * Only the check kinds of the bench's exercises have a straight-line version; another kind is a
 * clear error rather than a baseline that silently does less work than the runner.
 */
import http from "node:http";
import { PassThrough } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { extract } from "tar-stream";
import type { CheckSpec, CheckSpecOf } from "../../lib/checks";
import { analyzeDockerfile } from "../../lib/dockerfile/index";
import type { Exercise } from "../../lib/lessons/schema";
import { buildQuery } from "../../sandbox-runner/src/build-backend";
import { makeBuildContext } from "../../sandbox-runner/src/build-context";
import { gradingHealthcheck } from "../../sandbox-runner/src/checks/health-probe";
import { PROBE_IMAGE } from "../../sandbox-runner/src/checks/http-probe";
import { withNonce } from "../../sandbox-runner/src/checks/rebuild-cache";
import { cleanupImage } from "../../sandbox-runner/src/cleanup";
import { RUN_LABEL, sandboxHostConfig } from "../../sandbox-runner/src/container-run";
import type { Docker } from "../../sandbox-runner/src/engine";
import { finalBaseImage } from "../../sandbox-runner/src/image-report";
import { runImageTag } from "../../sandbox-runner/src/run-pipeline";
import { newNonce } from "./cold";

export type RawBuild = { ms: number; imageId: string | null };

/** `POST /build` of `context`, read to the end; throws with the engine's error if it failed. */
export function rawBuild(socketPath: string, context: Buffer, tag: string): Promise<RawBuild> {
  const t0 = performance.now();
  const query = new URLSearchParams(buildQuery(tag)).toString();
  return new Promise<RawBuild>((resolve, reject) => {
    const req = http.request(
      { socketPath, method: "POST", path: `/build?${query}`, headers: { "Content-Type": "application/x-tar", "Content-Length": context.length } },
      (res) => {
        let pending = "";
        let error: string | null = null;
        let imageId: string | null = null;
        const line = (text: string) => {
          if (!text.trim()) return;
          const msg = JSON.parse(text) as { errorDetail?: { message?: string }; error?: string; id?: string; aux?: { ID?: string } };
          if (msg.errorDetail || msg.error) error = msg.errorDetail?.message ?? msg.error ?? "build failed";
          if (msg.id === "moby.image.id" && msg.aux?.ID) imageId = msg.aux.ID;
        };
        res.on("data", (chunk: Buffer) => {
          pending += chunk.toString("utf8");
          const lines = pending.split("\n");
          pending = lines.pop()!;
          lines.forEach(line);
        });
        res.on("end", () => {
          line(pending);
          const ms = performance.now() - t0;
          if (res.statusCode !== 200) reject(new Error(`raw build: HTTP ${res.statusCode}`));
          else if (error) reject(new Error(`raw build failed: ${error}`));
          else resolve({ ms, imageId });
        });
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(context);
  });
}

/** Milliseconds: the build, the whole graded run, and each check's share of it (by check id). */
export type RawTiming = { buildMs: number; gradedMs: number; checkMs: Record<string, number>; error?: string };

/**
 * Build, inspect and grade `dockerfile` for `exercise` directly; `context` is the tar the runner
 * would make for it (prepared before the clock starts, as the runner's is not part of the raw
 * baseline's work). The images are removed afterwards, outside the timing.
 */
export async function rawGradedRun(docker: Docker, socketPath: string, exercise: Exercise, dockerfile: string, context: Buffer): Promise<RawTiming> {
  const tag = runImageTag();
  const extraTags: string[] = [];
  const t0 = performance.now();
  try {
    const build = await rawBuild(socketPath, context, tag);
    const image = docker.getImage(tag);
    const [info] = await Promise.all([image.inspect(), image.history()]);
    const base = finalBaseImage(analyzeDockerfile(dockerfile));
    if (base) await docker.getImage(base).history();
    const checkMs: Record<string, number> = {};
    for (const spec of exercise.checks) {
      const t = performance.now();
      await rawCheck({ docker, socketPath, exercise, dockerfile, tag, info, extraTags }, spec);
      checkMs[spec.id] = Math.round(performance.now() - t);
    }
    return { buildMs: build.ms, gradedMs: performance.now() - t0, checkMs };
  } finally {
    for (const t of [tag, ...extraTags]) await cleanupImage(docker, t);
  }
}

type RawContext = {
  docker: Docker;
  socketPath: string;
  exercise: Exercise;
  dockerfile: string;
  tag: string;
  info: Awaited<ReturnType<ReturnType<Docker["getImage"]>["inspect"]>>;
  extraTags: string[];
};

async function rawCheck(ctx: RawContext, spec: CheckSpec): Promise<void> {
  switch (spec.kind) {
    case "build-succeeds":
    case "image-size":
    case "exec-form-cmd":
      return; // read from the build's outcome and the inspect above
    case "non-root-user":
      // A numeric uid needs no lookup; a name is looked up in /etc/passwd, as the grader does.
      if (!/^\d+(:|$)/.test(ctx.info.Config?.User ?? "")) await readFromImage(ctx, "/etc/passwd");
      return;
    case "toolchains-absent":
      return void (await walkImage(ctx));
    case "container-output":
      return containerOutput(ctx, spec);
    case "health-probe":
      return spec.mode === "healthcheck" ? healthcheck(ctx, spec) : httpProbe(ctx, spec);
    case "rebuild-cache": {
      const edit = { path: spec.edit, append: withNonce(spec.append, newNonce()) };
      const context = await makeBuildContext(ctx.exercise, ctx.dockerfile, undefined, [edit]);
      const tag = runImageTag();
      ctx.extraTags.push(tag);
      await rawBuild(ctx.socketPath, context, tag);
      return;
    }
    default:
      throw new Error(`the raw baseline has no straight-line version of the "${spec.kind}" check; bench another exercise`);
  }
}

type Container = Awaited<ReturnType<Docker["createContainer"]>>;

const create = (ctx: RawContext, image: string, extra: Record<string, unknown> = {}, networkOf?: string) =>
  ctx.docker.createContainer({
    Image: image,
    // The runner's label, so a start-up sweep removes what an interrupted bench left.
    Labels: { [RUN_LABEL]: "bench-raw" },
    NetworkDisabled: !networkOf,
    HostConfig: sandboxHostConfig(networkOf ? { networkOf } : {}),
    ...extra,
  });

const remove = (c: Container) => c.remove({ force: true, v: true }).catch(() => undefined);

async function withNeverStarted<T>(ctx: RawContext, use: (c: Container) => Promise<T>): Promise<T> {
  const c = await create(ctx, ctx.tag, { Cmd: ["/stagecraft-never-started"] });
  try {
    return await use(c);
  } finally {
    await remove(c);
  }
}

/** Every tar header of the exported filesystem, as toolchains-absent reads it. */
function walkImage(ctx: RawContext): Promise<number> {
  return withNeverStarted(ctx, async (c) => {
    const tar = extract();
    (await c.export()).pipe(tar);
    let n = 0;
    for await (const entry of tar) {
      n += 1;
      entry.resume();
    }
    return n;
  });
}

function readFromImage(ctx: RawContext, path: string): Promise<void> {
  return withNeverStarted(ctx, async (c) => {
    const archive = (await c.getArchive({ path })) as NodeJS.ReadableStream;
    for await (const _chunk of archive) void _chunk;
  });
}

/** Attaches before start, like the grader, and collects stdout. */
async function startAttached(ctx: RawContext, c: Container): Promise<{ stdout: () => string; ended: Promise<void> }> {
  const stream = await c.attach({ stream: true, stdout: true, stderr: true });
  const out = new PassThrough();
  let text = "";
  out.on("data", (b: Buffer) => (text += b.toString("utf8")));
  ctx.docker.modem.demuxStream(stream, out, new PassThrough().resume());
  const ended = new Promise<void>((resolve) => stream.on("end", resolve).on("close", resolve).on("error", () => resolve()));
  await c.start();
  return { stdout: () => text, ended };
}

async function containerOutput(ctx: RawContext, spec: CheckSpecOf<"container-output">): Promise<void> {
  const c = await create(ctx, ctx.tag, spec.cmd ? { Cmd: spec.cmd } : {});
  try {
    const run = await startAttached(ctx, c);
    await c.wait();
    const state = (await c.inspect()).State;
    await Promise.race([run.ended, sleep(2_000)]);
    const missing = spec.stdoutIncludes.filter((s) => !run.stdout().includes(s));
    if (state.ExitCode !== spec.exitCode || missing.length > 0) {
      throw new Error(`raw baseline: ${spec.id} did not pass (exit ${state.ExitCode}, output ${JSON.stringify(run.stdout())})`);
    }
  } finally {
    await remove(c);
  }
}

async function httpProbe(ctx: RawContext, spec: CheckSpecOf<"health-probe">): Promise<void> {
  const app = await create(ctx, ctx.tag);
  try {
    await startAttached(ctx, app);
    const startedAt = Date.now();
    const probe = await create(ctx, PROBE_IMAGE, { Cmd: ["sleep", "180"] }, app.id);
    try {
      await probe.start();
      const url = `http://127.0.0.1:${spec.port}${spec.path}`;
      for (;;) {
        const answer = await execOutput(ctx, probe, ["timeout", "3", "wget", "-S", "-O", "-", url]);
        const status = Number([...answer.stderr.matchAll(/^\s*HTTP\/[\d.]+\s+(\d{3})/gm)].at(-1)?.[1]);
        if (status === spec.expectStatus && (spec.bodyIncludes === undefined || answer.stdout.includes(spec.bodyIncludes))) return;
        if (Date.now() - startedAt > spec.timeoutMs) throw new Error(`raw baseline: ${spec.id} got no answer from ${url}`);
        await sleep(250);
      }
    } finally {
      await remove(probe);
    }
  } finally {
    await remove(app);
  }
}

async function execOutput(ctx: RawContext, c: Container, cmd: string[]): Promise<{ stdout: string; stderr: string }> {
  const exec = await c.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  const text = { stdout: "", stderr: "" };
  const sink = (k: "stdout" | "stderr") => new PassThrough().on("data", (b: Buffer) => (text[k] += b.toString("utf8")));
  ctx.docker.modem.demuxStream(stream, sink("stdout"), sink("stderr"));
  await new Promise<void>((resolve) => stream.on("end", resolve).on("close", resolve).on("error", () => resolve()));
  return text;
}

async function healthcheck(ctx: RawContext, spec: CheckSpecOf<"health-probe">): Promise<void> {
  const c = await create(ctx, ctx.tag, { Healthcheck: gradingHealthcheck(ctx.info.Config?.Healthcheck ?? {}) });
  try {
    await startAttached(ctx, c);
    const startedAt = Date.now();
    for (;;) {
      const status = (await c.inspect()).State.Health?.Status;
      if (status === "healthy") return;
      if (status === "unhealthy" || Date.now() - startedAt > spec.timeoutMs) throw new Error(`raw baseline: ${spec.id} is ${status}`);
      await sleep(250);
    }
  } finally {
    await remove(c);
  }
}
