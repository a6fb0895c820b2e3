// runBuild against the real engine (DESIGN.md §2, §4). Needs `npm run images:prepare`.
import { randomBytes } from "node:crypto";
import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildStep } from "@/lib/protocol";
import { createPlainRenderer } from "@/lib/progress-render";
import { runBuild, type BuildLogEvent, type BuildOutcome } from "./build-backend";
import { makeBuildContext } from "./build-context";
import { cleanupImage } from "./cleanup";
import { createDocker, pingEngine } from "./engine";
import { SANDBOX_LIMITS } from "./limits";
import { hostProcesses } from "./test-support";

const docker = createDocker(process.env.DOCKER_SOCKET ?? "/var/run/docker.sock");
const BUSYBOX = "stagecraft/busybox:1.35";
const GOLANG = "stagecraft/golang:1.19";
const run = randomBytes(4).toString("hex");
const tags: string[] = [];
let emptyExercise: { dir: string; contextFiles: string[] };

type Result = { outcome: BuildOutcome; steps: BuildStep[]; logs: BuildLogEvent[]; tag: string; firstStepMs?: number; firstLogMs?: number; wallMs: number; plain: string };

async function build(
  dockerfile: string,
  opts: { exercise?: { dir: string; contextFiles: string[] }; timeoutMs?: number; logCapBytes?: number; maxImageBytes?: number; signal?: AbortSignal; onLog?: (e: BuildLogEvent) => void } = {},
): Promise<Result> {
  const tag = `stagecraft-test-build:${run}-${tags.length}`;
  tags.push(tag);
  const steps: BuildStep[] = [];
  const logs: BuildLogEvent[] = [];
  const renderer = createPlainRenderer();
  let plain = "";
  const t0 = performance.now();
  let firstLogMs: number | undefined;
  let firstStepMs: number | undefined;
  const context = await makeBuildContext(opts.exercise ?? emptyExercise, dockerfile);
  const outcome = await runBuild({
    docker,
    context,
    tag,
    signal: opts.signal ?? new AbortController().signal,
    timeoutMs: opts.timeoutMs ?? 120_000,
    logCapBytes: opts.logCapBytes ?? 1024 * 1024,
    maxImageBytes: opts.maxImageBytes,
    onStep: (s) => {
      firstStepMs ??= performance.now() - t0;
      steps.push(s);
      plain += renderer.step(s);
    },
    onLog: (e) => {
      firstLogMs ??= performance.now() - t0;
      logs.push(e);
      plain += renderer.log(e.stepId, e.chunk);
      opts.onLog?.(e);
    },
  });
  return { outcome, steps, logs, tag, firstStepMs, firstLogMs, wallMs: performance.now() - t0, plain };
}

const output = (r: Result) => r.logs.map((l) => l.chunk).join("");

/** Command lines of every process on the host that mention `marker`. */
/** Command lines of every process on the host that mention `marker`. */
const processesWith = (marker: string) => hostProcesses(marker);

beforeAll(async () => {
  expect(await pingEngine(docker), "Docker engine must be reachable").toBe(true);
  for (const ref of [BUSYBOX, GOLANG]) {
    await docker.getImage(ref).inspect().catch(() => {
      throw new Error(`${ref} is missing: run npm run images:prepare`);
    });
  }
  const dir = await mkdtemp(path.join(tmpdir(), "sc-engine-"));
  emptyExercise = { dir, contextFiles: [] };
});

afterAll(async () => {
  for (const tag of tags) await cleanupImage(docker, tag);
  await rm(emptyExercise.dir, { recursive: true, force: true });
});

describe("runBuild on the real engine", () => {
  const marker = `marker-${run}`;
  const multiStage = `FROM ${BUSYBOX} AS builder
RUN echo "${marker}" && echo "${marker} artifact" > /artifact && echo "to stderr" >&2
FROM ${BUSYBOX}
COPY --from=builder /artifact /artifact
RUN cat /artifact
`;

  it("builds a multi-stage Dockerfile, streaming decoded steps and per-step output", async () => {
    const r = await build(multiStage);
    expect(r.outcome).toMatchObject({ ok: true, imageId: expect.stringMatching(/^sha256:/) });
    const final = new Map(r.steps.map((s) => [s.id, s]));
    const named = (prefix: string) => [...final.values()].find((s) => s.name.startsWith(prefix));
    expect(named("[builder 2/2] RUN")).toMatchObject({ status: "finished", stage: "builder", durationMs: expect.any(Number) });
    expect(named("[stage-1 2/3] COPY --from=builder")).toMatchObject({ status: "finished", stage: "stage-1" });
    const runStep = named("[builder 2/2] RUN")!;
    const own = r.logs.filter((l) => l.stepId === runStep.id);
    expect(own.filter((l) => l.stream === "stdout").map((l) => l.chunk).join("")).toContain(marker);
    expect(own.filter((l) => l.stream === "stderr").map((l) => l.chunk).join("")).toBe("to stderr\n");
    expect(r.logs.find((l) => l.stepId === named("[stage-1 3/3] RUN")!.id)?.chunk).toBe(`${marker} artifact\n`);
    expect(r.plain).toMatch(/#\d+ \[builder 2\/2\] RUN echo/);
    expect(r.plain).toMatch(/#\d+ \d+\.\d{3} marker-/);
    const info = await docker.getImage(r.tag).inspect();
    expect(info.Id).toBe((r.outcome as { imageId: string }).imageId);
  });

  it("shows unchanged steps as CACHED on a rebuild", async () => {
    const r = await build(multiStage);
    expect(r.outcome.ok).toBe(true);
    const final = [...new Map(r.steps.map((s) => [s.id, s])).values()];
    expect(final.find((s) => s.name.startsWith("[builder 2/2] RUN"))?.status).toBe("cached");
    expect(final.find((s) => s.name.startsWith("[stage-1 3/3] RUN"))?.status).toBe("cached");
    expect(r.plain).toMatch(/#\d+ CACHED/);
    expect(output(r)).not.toContain(marker); // nothing re-ran
  });

  it("reports a failing RUN as build_failed with the step, the exit code and its last output", async () => {
    const r = await build(`FROM ${BUSYBOX}\nRUN echo "${marker} checking" && echo "missing thing" >&2 && exit 3\n`);
    expect(r.outcome).toMatchObject({ ok: false, code: "build_failed" });
    const message = (r.outcome as { message: string }).message;
    expect(message).toMatch(/^Step #\d+ \[2\/2\] RUN .* failed: .*exit code: 3/);
    expect(message).toContain("Last output:");
    expect(message).toContain("missing thing");
    expect(r.steps.at(-1)).toMatchObject({ status: "failed", error: expect.stringContaining("exit code: 3") });
    await expect(docker.getImage(r.tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("cancels a running build within ~2 s and leaves no build process behind", async () => {
    const cancelMarker = `cancel-${run}`;
    const ac = new AbortController();
    let abortedAt = 0;
    const r = await build(`FROM ${BUSYBOX}\nRUN echo started; sleep 60; echo ${cancelMarker}\n`, {
      signal: ac.signal,
      onLog: (e) => {
        if (e.chunk.includes("started") && !abortedAt) {
          abortedAt = performance.now();
          ac.abort();
        }
      },
    });
    const stoppedInMs = performance.now() - abortedAt;
    expect(abortedAt).toBeGreaterThan(0);
    expect(r.outcome).toMatchObject({ ok: false, code: "cancelled", message: "The build was cancelled." });
    expect(stoppedInMs).toBeLessThan(2_000);
    expect(r.steps.at(-1)).toMatchObject({ status: "failed", error: "cancelled" });
    await expect.poll(() => processesWith(cancelMarker), { timeout: 2_000, interval: 100 }).toEqual([]);
    const running = await docker.listContainers();
    expect(running.filter((c) => c.Image.includes(r.tag))).toEqual([]);
  });

  it("stops a build that runs past the wall-clock limit with timeout", async () => {
    const timeoutMarker = `timeout-${run}`;
    const r = await build(`FROM ${BUSYBOX}\nRUN sleep 30; echo ${timeoutMarker}\n`, { timeoutMs: 3_000 });
    expect(r.outcome).toMatchObject({ ok: false, code: "timeout", message: expect.stringContaining("longer than 3 s") });
    expect(r.outcome.buildMs).toBeGreaterThanOrEqual(3_000);
    expect(r.outcome.buildMs).toBeLessThan(6_000);
    await expect.poll(() => processesWith(timeoutMarker), { timeout: 2_000, interval: 100 }).toEqual([]);
  });

  it("stops a log flood at the total output cap with log_limit", async () => {
    const cap = 64 * 1024;
    const r = await build(`FROM ${BUSYBOX}\nRUN yes "flood-${run}"\n`, { logCapBytes: cap });
    expect(r.outcome).toMatchObject({ ok: false, code: "log_limit", message: expect.stringContaining("0.1 MiB") });
    expect(Buffer.byteLength(output(r))).toBeLessThanOrEqual(cap);
    expect(output(r)).toContain(`flood-${run}\n`);
    await expect.poll(() => processesWith(`flood-${run}`), { timeout: 2_000, interval: 100 }).toEqual([]);
  });

  // BuildKit (engine 20.10) clips a step at 200 KiB/s with this line and then forwards nothing
  // more of it, so with the real 1 MiB total cap a one-step flood never reaches the cap.
  const CLIP_LINE = "[output clipped, log limit 200KiB/s reached]";
  const realCaps = { logCapBytes: SANDBOX_LIMITS.build.logCapBytes, timeoutMs: SANDBOX_LIMITS.build.timeoutMs };

  it("stops a `RUN yes` flood at BuildKit's clip with log_limit within seconds, under the real caps", async () => {
    const floodMarker = `yes-${run}`;
    // The marker is in the shell's command line, which stays alive as `yes`'s parent.
    const r = await build(`FROM ${BUSYBOX}\nRUN echo ${floodMarker} && yes\n`, realCaps);
    expect(r.outcome).toMatchObject({
      ok: false,
      code: "log_limit",
      message: expect.stringMatching(
        /^Step #\d+ printed more than 200 KiB of output and was stopped by the sandbox, which ended the build; send less output, e\.g\. redirect verbose tools to a file or use quiet flags\.$/,
      ),
    });
    expect(r.outcome.buildMs).toBeLessThan(5_000);
    const flooded = [...new Map(r.steps.map((s) => [s.id, s])).values()].find((s) => s.name.includes(floodMarker));
    expect(flooded).toMatchObject({ status: "failed", error: "stopped: output limit" });
    expect((r.outcome as { message: string }).message).toContain(`Step #${flooded!.number} `);
    expect(output(r)).toContain(CLIP_LINE);
    expect(Buffer.byteLength(output(r))).toBeLessThanOrEqual(SANDBOX_LIMITS.build.logCapBytes);
    await expect.poll(() => processesWith(floodMarker), { timeout: 2_000, interval: 100 }).toEqual([]);
    console.log(`[measure] RUN yes flood ended as log_limit after ${r.outcome.buildMs} ms (wall ${Math.round(r.wallMs)} ms)`);
  });

  it("treats a clipped step as log_limit even when it would have finished", async () => {
    const dockerfile = `FROM ${BUSYBOX}\nRUN echo burst-${run} && yes | head -c 5000000\n`;
    const r = await build(dockerfile, realCaps);
    expect(r.outcome).toMatchObject({ ok: false, code: "log_limit", message: expect.stringMatching(/^Step #\d+ printed more than 200 KiB/) });
    expect(output(r)).toContain(CLIP_LINE);
    // The step may have finished before the stop reached BuildKit; its cache record is deleted,
    // so the same Dockerfile floods (and is stopped) again instead of skipping the step silently.
    const again = await build(dockerfile, realCaps);
    expect(again.outcome).toMatchObject({ ok: false, code: "log_limit" });
    expect(again.steps.some((s) => s.name.includes(`burst-${run}`) && s.status === "cached")).toBe(false);
  });

  it("lets a step print 100 KiB and the build succeed, under the real caps", async () => {
    const r = await build(`FROM ${BUSYBOX}\nRUN yes legit-${run} | head -c 102400\n`, realCaps);
    expect(r.outcome.ok, JSON.stringify(r.outcome)).toBe(true);
    expect(output(r)).not.toContain("output clipped");
    expect(Buffer.byteLength(output(r))).toBeGreaterThanOrEqual(102_400);
  });

  it("still stops output spread over unclipped steps at the real total cap", async () => {
    // Seven steps of ~146 KiB: each under BuildKit's per-step clip, together over 1 MiB.
    const runs = Array.from({ length: 7 }, (_, i) => `RUN yes total-${run}-${i} | head -c 150000`).join("\n");
    const r = await build(`FROM ${BUSYBOX}\n${runs}\n`, realCaps);
    expect(r.outcome).toMatchObject({ ok: false, code: "log_limit", message: expect.stringContaining("more than 1.0 MiB of output") });
    expect(output(r)).not.toContain("output clipped");
    expect(Buffer.byteLength(output(r))).toBeLessThanOrEqual(SANDBOX_LIMITS.build.logCapBytes);
    expect(Buffer.byteLength(output(r))).toBeGreaterThan(900_000);
  });

  it("deletes an image over the size cap with image_too_large", async () => {
    const r = await build(`FROM ${BUSYBOX}\nRUN head -c 3000000 /dev/urandom > /blob\n`, { maxImageBytes: 2 * 1024 * 1024 });
    expect(r.outcome).toMatchObject({ ok: false, code: "image_too_large", message: expect.stringMatching(/over the sandbox limit of 2\.0 MiB/) });
    await expect(docker.getImage(r.tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("measures a small two-stage Go build: cold, cached and time to first log", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "sc-go-"));
    try {
      await cp(path.join(import.meta.dirname, "__fixtures__", "go-app"), path.join(dir, "context"), { recursive: true });
      // A fresh comment makes every run of this test a cold build of the compile step.
      await writeFile(path.join(dir, "context", "main.go"), `// ${run}\n`, { flag: "a" });
      const exercise = { dir, contextFiles: ["go.mod", "main.go"] };
      const dockerfile = `FROM ${GOLANG} AS builder
WORKDIR /src
COPY go.mod main.go ./
RUN echo compiling && CGO_ENABLED=0 go build -o /out/hello .
FROM ${BUSYBOX}
COPY --from=builder /out/hello /hello
CMD ["/hello"]
`;
      const cold = await build(dockerfile, { exercise });
      const cached = await build(dockerfile, { exercise });
      expect(cold.outcome.ok, JSON.stringify(cold.outcome)).toBe(true);
      expect(cached.outcome.ok).toBe(true);
      const compileStep = (r: Result) => [...new Map(r.steps.map((s) => [s.id, s])).values()].find((s) => s.name.includes("go build"));
      expect(compileStep(cold)?.status).toBe("finished"); // really compiled
      expect(compileStep(cached)?.status).toBe("cached");
      console.log(
        `[measure] go two-stage build: cold ${cold.outcome.buildMs} ms (first step event after ${Math.round(cold.firstStepMs ?? -1)} ms, ` +
          `first log event after ${Math.round(cold.firstLogMs ?? -1)} ms), cached ${cached.outcome.buildMs} ms`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
