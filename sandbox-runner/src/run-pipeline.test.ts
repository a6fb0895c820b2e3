import { describe, expect, it, vi } from "vitest";
import type { CheckResult } from "../../lib/checks";
import type { Exercise } from "../../lib/lessons/schema";
import type { ServerMessage } from "../../lib/protocol";
import type { ImageReport } from "../../lib/report";
import type { BuildOutcome } from "./build-backend";
import { executeRun, SHUTDOWN_REASON, type PipelineDeps } from "./run-pipeline";

const runId = "8b0f3c1e-6a53-4f55-9a4e-0d1f2a3b4c5d";

const exercise: Exercise = {
  id: "anatomy/split",
  lessonSlug: "anatomy",
  name: "split",
  dir: "/nowhere",
  title: "Split",
  prompt: "Split it",
  hints: ["h"],
  checks: [{ kind: "build-succeeds", id: "builds", title: "It builds", hint: "fix it" }],
  starter: "FROM x",
  solution: "FROM y",
  contextFiles: [],
};

const report: ImageReport = {
  sizeBytes: 1234,
  layers: [],
  config: { user: "", cmd: null, entrypoint: null, cmdForm: "none", healthcheck: null, exposedPorts: [], envNames: [], workdir: "" },
  stages: [],
  platform: "linux/amd64",
};

const pass: CheckResult = { checkId: "builds", kind: "build-succeeds", title: "It builds", status: "pass", message: "ok" };
const fail: CheckResult = { ...pass, status: "fail", message: "no", hint: "fix it" };
const step = { id: "d1", number: 1, name: "[1/1] FROM x", status: "finished" as const };

function fakeDeps(over: Partial<PipelineDeps> = {}) {
  const calls = { cleanup: [] as string[], checks: [] as unknown[], built: 0 };
  const deps: PipelineDeps = {
    admit: () => ({ ok: true, model: { stages: [] } }),
    freeDiskBytes: async () => 100 * 1024 ** 3,
    makeContext: async () => Buffer.from("tar"),
    build: async (o) => {
      calls.built += 1;
      o.onStep({ ...step, status: "started" });
      o.onLog({ stepId: "d1", stream: "stdout", chunk: "hello " });
      o.onLog({ stepId: "d1", stream: "stdout", chunk: "\x1b[31mworld\x1b[0m\n" });
      o.onStep(step);
      return { ok: true, imageId: "sha256:1", buildMs: 42, steps: [step] };
    },
    report: async () => report,
    checks: async (ctx) => {
      calls.checks.push(ctx);
      return [pass];
    },
    cleanup: async (tag) => {
      calls.cleanup.push(tag);
    },
    warn: () => undefined,
    ...over,
  };
  return { deps, calls };
}

async function run(deps: PipelineDeps, opts: { signal?: AbortSignal; dockerfile?: string } = {}) {
  const messages: ServerMessage[] = [];
  const outcome = await executeRun(deps, {
    runId,
    learnerId: "l1",
    exercise,
    dockerfile: opts.dockerfile ?? "FROM stagecraft/busybox:1.35\n",
    signal: opts.signal ?? new AbortController().signal,
    emit: (m) => messages.push(m),
  });
  return { outcome, messages, types: messages.map((m) => m.type) };
}

describe("executeRun", () => {
  it("passes when the build succeeds and every check passes, in protocol order", async () => {
    const { deps, calls } = fakeDeps();
    const { outcome, messages, types } = await run(deps);
    expect(outcome).toMatchObject({ state: "passed", buildMs: 42, report, checks: [pass] });
    expect(types).toEqual(["log", "step", "log", "step", "report", "checks", "finished"]);
    // Chunks of one step arrive as one sanitised frame, before the step that ends them.
    expect(messages[2]).toEqual({ type: "log", runId, stepId: "d1", stream: "stdout", chunk: "hello world\n" });
    expect(messages.at(-1)).toMatchObject({ type: "finished", runId, state: "passed", buildMs: 42 });
    expect(calls.cleanup).toHaveLength(1);
    expect(calls.cleanup[0]).toMatch(/^stagecraft-run\/[0-9a-f]{32}:latest$/);
    expect(calls.checks[0]).toMatchObject({ imageRef: calls.cleanup[0], linkBase: "/lessons/anatomy" });
    expect(outcome.log).toContain("hello world");
  });

  it("uses a fresh unguessable tag for every run", async () => {
    const { deps, calls } = fakeDeps();
    await run(deps);
    await run(deps);
    expect(calls.cleanup[0]).not.toBe(calls.cleanup[1]);
  });

  it("fails when a check fails", async () => {
    const { deps } = fakeDeps({ checks: async () => [pass, fail] });
    const { outcome } = await run(deps);
    expect(outcome.state).toBe("failed");
  });

  it("ends an admission rejection as error/admission_rejected with the problems, without building", async () => {
    const problems = [{ rule: "no-remote-add", message: "ADD from a URL is not allowed", line: 2 }];
    const { deps, calls } = fakeDeps({ admit: () => ({ ok: false, problems }) });
    const { outcome, messages, types } = await run(deps, { dockerfile: "FROM x\nADD https://example.com/a /a\n" });
    expect(outcome).toMatchObject({ state: "error", errorCode: "admission_rejected", problems });
    expect(types).toEqual(["error", "finished"]);
    expect(messages[0]).toMatchObject({ type: "error", runId, code: "admission_rejected", problems });
    expect(messages[0]).toMatchObject({ message: expect.stringContaining("line 2") });
    expect(calls.built).toBe(0);
    expect(calls.cleanup).toEqual([]);
  });

  it("refuses an empty Dockerfile as dockerfile_invalid", async () => {
    const { deps } = fakeDeps();
    const { outcome } = await run(deps, { dockerfile: "  \n" });
    expect(outcome).toMatchObject({ state: "error", errorCode: "dockerfile_invalid" });
  });

  it("refuses to build when the engine's disk is below the watermark", async () => {
    const { deps, calls } = fakeDeps({ freeDiskBytes: async () => 1024 });
    const { outcome } = await run(deps);
    expect(outcome).toMatchObject({ state: "error", errorCode: "disk_low" });
    expect(calls.built).toBe(0);
  });

  it("builds anyway when the free space cannot be measured", async () => {
    const { deps } = fakeDeps({ freeDiskBytes: async () => null });
    expect((await run(deps)).outcome.state).toBe("passed");
  });

  it("grades a failed build (checks with no image) and ends it failed", async () => {
    const build = async (): Promise<BuildOutcome> => ({
      ok: false,
      code: "build_failed",
      message: "RUN exited with 1",
      buildMs: 5,
      steps: [],
    });
    const { deps, calls } = fakeDeps({ build, checks: async () => [fail] });
    const { outcome, types } = await run(deps);
    expect(outcome).toMatchObject({ state: "failed", buildMs: 5, checks: [fail] });
    expect(types).toEqual(["log", "checks", "finished"]); // runner notes coalesce into one frame
    expect(calls.cleanup).toHaveLength(1);
  });

  it.each(["timeout", "log_limit", "image_too_large", "engine_unavailable"] as const)(
    "ends a %s build as error with that code and still cleans up",
    async (code) => {
      const build = async (): Promise<BuildOutcome> => ({ ok: false, code, message: `it was ${code}`, buildMs: 9, steps: [] });
      const { deps, calls } = fakeDeps({ build });
      const { outcome, messages } = await run(deps);
      expect(outcome).toMatchObject({ state: "error", errorCode: code });
      expect(messages.find((m) => m.type === "error")).toMatchObject({ code, message: `it was ${code}` });
      expect(calls.cleanup).toHaveLength(1);
    },
  );

  it("ends as cancelled when the learner aborts during the build", async () => {
    const controller = new AbortController();
    const build: PipelineDeps["build"] = async (o) => {
      controller.abort("cancelled");
      expect(o.signal.aborted).toBe(true);
      return { ok: false, code: "cancelled", message: "cancelled", buildMs: 1, steps: [] };
    };
    const { deps, calls } = fakeDeps({ build });
    const { outcome, types } = await run(deps, { signal: controller.signal });
    expect(outcome.state).toBe("cancelled");
    expect(types.at(-1)).toBe("finished");
    expect(types).not.toContain("error");
    expect(calls.cleanup).toHaveLength(1);
  });

  it("ends as interrupted when the runner shuts down", async () => {
    const controller = new AbortController();
    controller.abort(SHUTDOWN_REASON);
    const { deps, calls } = fakeDeps();
    const { outcome } = await run(deps, { signal: controller.signal });
    expect(outcome.state).toBe("interrupted");
    expect(calls.built).toBe(0);
  });

  it("turns an unexpected exception into error/internal, and cleans up", async () => {
    const { deps, calls } = fakeDeps({
      report: async () => {
        throw new Error("inspect blew up");
      },
    });
    const warn = vi.fn();
    const { outcome, messages } = await run({ ...deps, warn });
    expect(outcome).toMatchObject({ state: "error", errorCode: "internal" });
    expect(messages.find((m) => m.type === "error")).toMatchObject({ code: "internal" });
    expect(warn).toHaveBeenCalled();
    expect(calls.cleanup).toHaveLength(1);
  });

  it("reports engine_unavailable when the socket is gone", async () => {
    const { deps } = fakeDeps({
      makeContext: async () => {
        throw Object.assign(new Error("connect ECONNREFUSED"), { code: "ECONNREFUSED" });
      },
    });
    expect((await run(deps)).outcome).toMatchObject({ state: "error", errorCode: "engine_unavailable" });
  });

  it("survives a failing cleanup", async () => {
    const { deps } = fakeDeps({
      cleanup: async () => {
        throw new Error("engine said no");
      },
    });
    expect((await run(deps)).outcome.state).toBe("passed");
  });
});
