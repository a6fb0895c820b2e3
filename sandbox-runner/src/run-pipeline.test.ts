import { afterEach, describe, expect, it, vi } from "vitest";

import type { CheckResult } from "../../lib/checks";
import type { Exercise } from "../../lib/lessons/schema";
import { createPlainRenderer, terminalText as pageTerminalText } from "../../lib/progress-render";
import type { ServerMessage } from "../../lib/protocol";
import type { BuildInsight } from "../../lib/insight/index";
import type { ImageReport } from "../../lib/report";
import type { BuildOutcome } from "./build-backend";
import { BuildContextError } from "./build-context";
import { authoringProblem, executeRun, SHUTDOWN_REASON, type PipelineDeps } from "./run-pipeline";

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

afterEach(() => vi.useRealTimers());

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
    expect(outcome.imageTag).toBe(calls.cleanup[0]);
  });

  it("stores the log as the page's terminal showed it: step headers, output, the outcome line", async () => {
    vi.useFakeTimers({ toFake: ["Date"] }); // one clock for the runner's renderer and the page's
    const { deps } = fakeDeps();
    const { outcome, messages } = await run(deps);
    const page = createPlainRenderer();
    expect(outcome.log).toBe(messages.map((m) => pageTerminalText(page, m)).join(""));
    expect(outcome.log).toContain("#1 [1/1] FROM x\n#1 0.000 hello world\n#1 DONE 0.0s\n");
    expect(outcome.log).toMatch(/^Building in the sandbox/);
    expect(outcome.log).toMatch(/\n=> passed in \d+\.\ds\n$/);
  });

  it("stores an error's message in the log, as the page printed it", async () => {
    const build = async (): Promise<BuildOutcome> => ({ ok: false, code: "timeout", message: "took too long", buildMs: 9, steps: [] });
    const { deps } = fakeDeps({ build });
    const { outcome } = await run(deps);
    expect(outcome.log).toMatch(/\ntook too long\n\n=> error in \d+\.\ds\n$/);
  });

  it("keeps only the tail of a huge log", async () => {
    const build: PipelineDeps["build"] = async (o) => {
      o.onStep({ ...step, status: "started" });
      for (let i = 0; i < 700; i += 1) o.onLog({ stepId: "d1", stream: "stdout", chunk: `${"y".repeat(1023)}\n` });
      o.onStep(step);
      return { ok: true, imageId: "sha256:1", buildMs: 1, steps: [step] };
    };
    const { deps } = fakeDeps({ build });
    const { outcome } = await run(deps);
    expect(outcome.log.length).toBe(256 * 1024);
    expect(outcome.log).toMatch(/#1 DONE 0\.0s\n\n=> passed in/);
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

  it.each([
    ["too-large", "The Dockerfile is 90000 bytes; the sandbox accepts at most 65536."],
    ["too-many-lines", "The Dockerfile has 2001 lines; the sandbox accepts at most 2000."],
    ["syntax/missing-arguments", "COPY requires at least two arguments"],
    ["no-from", "The Dockerfile has no `FROM` line."],
  ])("ends a Dockerfile admission cannot read (%s) as dockerfile_invalid, with its problems", async (rule, message) => {
    const problems = [{ rule, message, line: 2 }];
    const { deps, calls } = fakeDeps({ admit: () => ({ ok: false, problems }) });
    const { outcome, messages } = await run(deps);
    expect(outcome).toMatchObject({ state: "error", errorCode: "dockerfile_invalid", problems });
    expect(messages[0]).toMatchObject({ code: "dockerfile_invalid", message: `This Dockerfile cannot be read: line 2: ${message}` });
    expect(calls.built).toBe(0);
  });

  it("names a broken sandbox rule even when the parser also complains, and keeps every problem", async () => {
    const problems = [
      { rule: "syntax/flag-invalid-from-value", message: "invalid from flag value $SRC", line: 3 },
      { rule: "copy-from-not-allowed", message: "Write the stage name in `--from=$SRC` directly", line: 3 },
    ];
    const { deps } = fakeDeps({ admit: () => ({ ok: false, problems }) });
    const { outcome } = await run(deps);
    expect(outcome).toMatchObject({ errorCode: "admission_rejected", problems });
    expect(outcome.errorMessage).toMatch(/^The sandbox will not build this Dockerfile: 2 problems; the first is line 3: invalid from /);
    expect(outcome.log).toMatch(/\n  line 3: invalid from .*\n  line 3: Write the stage name/);
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

  it("names the exercise's problem when its context breaks the rules (an authoring error), before anything is built", async () => {
    const { deps, calls } = fakeDeps({
      makeContext: async () => {
        throw new BuildContextError('context file "a.txt": symbolic links are not allowed');
      },
    });
    const { outcome, messages } = await run({ ...deps, warn: () => undefined });
    expect(outcome).toMatchObject({ state: "error", errorCode: "internal" });
    expect(outcome.errorMessage).toBe(authoringProblem('context file "a.txt": symbolic links are not allowed'));
    expect(outcome.errorMessage).toMatch(/^This exercise is broken, so nothing was built \(context file "a\.txt": symbolic links/);
    expect(messages.find((m) => m.type === "error")).toMatchObject({ code: "internal", message: outcome.errorMessage });
    expect(calls.built).toBe(0);
    expect(calls.cleanup).toEqual([]); // no tag was ever chosen
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

describe("executeRun on an engine that never answers", () => {
  const hang = () => new Promise<never>(() => undefined);

  it("ends a hung free-space call as engine_unavailable, aborting the request", async () => {
    let seen: AbortSignal | undefined;
    const { deps, calls } = fakeDeps({
      freeDiskBytes: (signal) => {
        seen = signal;
        return hang();
      },
      timeouts: { call: 30 },
    });
    const { outcome, messages } = await run(deps);
    expect(outcome).toMatchObject({ state: "error", errorCode: "engine_unavailable" });
    expect(outcome.errorMessage).toMatch(/Docker engine is not answering .*checking free disk space/);
    expect(messages.at(-1)).toMatchObject({ type: "finished", state: "error" });
    expect(seen?.aborted).toBe(true);
    expect(calls.built).toBe(0);
  });

  it.each([
    ["report", { report: hang }],
    ["checks", { checks: hang }],
    ["build", { build: hang }],
  ] as const)("bounds a hung %s phase and still cleans up", async (_phase, over) => {
    const { deps, calls } = fakeDeps({ ...over, timeouts: { call: 30, build: 30, checks: 30 } });
    const { outcome } = await run(deps);
    expect(outcome).toMatchObject({ state: "error", errorCode: "engine_unavailable" });
    expect(calls.cleanup).toHaveLength(1);
  });

  it.each([
    ["free space", { freeDiskBytes: hang }],
    ["report", { report: hang }],
    ["checks", { checks: hang }],
  ] as const)("ends as cancelled at once when the learner cancels during %s", async (_phase, over) => {
    const controller = new AbortController();
    const { deps } = fakeDeps(over);
    setTimeout(() => controller.abort("cancelled"), 20);
    const began = Date.now();
    const { outcome, messages } = await run(deps, { signal: controller.signal });
    expect(outcome.state).toBe("cancelled");
    expect(Date.now() - began).toBeLessThan(2_000);
    expect(messages.map((m) => m.type)).not.toContain("error");
  });

  it("gives a cancelled build a grace to report how it stopped before giving up on it", async () => {
    const controller = new AbortController();
    const build: PipelineDeps["build"] = (o) =>
      new Promise((resolve) =>
        o.signal.addEventListener("abort", () =>
          setTimeout(() => {
            o.onStep({ ...step, status: "failed", error: "cancelled" });
            resolve({ ok: false, code: "cancelled", message: "cancelled", buildMs: 1, steps: [] });
          }, 10),
        ),
      );
    const { deps } = fakeDeps({ build, timeouts: { call: 1_000 } });
    setTimeout(() => controller.abort("cancelled"), 10);
    const { outcome, messages } = await run(deps, { signal: controller.signal });
    expect(outcome.state).toBe("cancelled");
    expect(messages.some((m) => m.type === "step" && m.step.status === "failed")).toBe(true);
  });

  it("does not wait on a hung cleanup beyond its bound", async () => {
    const { deps } = fakeDeps({ cleanup: hang, timeouts: { cleanup: 30 } });
    const { outcome, types } = await run(deps);
    expect(outcome.state).toBe("passed");
    expect(types.at(-1)).toBe("finished");
  });
});

describe("executeRun with build insight", () => {
  const insight: BuildInsight = {
    layers: { available: true, layers: [], baseImage: null, baseCompared: false },
    waste: { available: false, reason: "not read" },
    comparison: { available: false, reason: "not built" },
    addedMs: 7,
  };

  it("sends the insight after the checks and stores it with the report, before the image is removed", async () => {
    const order: string[] = [];
    const { deps } = fakeDeps({
      insight: async (req) => {
        order.push(`insight ${req.tag}`);
        return insight;
      },
      cleanup: async () => {
        order.push("cleanup");
      },
    });
    const { outcome, types, messages } = await run(deps);
    expect(outcome.state).toBe("passed");
    expect(types.indexOf("checks")).toBeLessThan(types.indexOf("insight"));
    expect(types.at(-1)).toBe("finished");
    expect(messages.find((m) => m.type === "insight")).toMatchObject({ runId, insight });
    expect(outcome.report?.insight).toEqual(insight);
    expect(order).toEqual([`insight ${outcome.imageTag}`, "cleanup"]);
  });

  it("keeps the grade when the insight fails: no insight, same outcome", async () => {
    const { deps, calls } = fakeDeps({
      checks: async () => [fail],
      insight: async () => {
        throw new Error("engine hiccup");
      },
    });
    const { outcome, types } = await run(deps);
    expect(outcome.state).toBe("failed");
    expect(outcome.report).toEqual(report);
    expect(types).not.toContain("insight");
    expect(calls.cleanup).toHaveLength(1);
  });

  it("keeps the grade when the learner cancels while the insight is read", async () => {
    const controller = new AbortController();
    const { deps } = fakeDeps({
      insight: () => {
        controller.abort();
        return new Promise<BuildInsight>(() => undefined); // never answers
      },
    });
    const { outcome, types } = await run(deps, { signal: controller.signal });
    expect(outcome.state).toBe("passed");
    expect(types).not.toContain("insight");
  });
});
