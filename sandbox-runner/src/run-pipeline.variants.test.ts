/** The pipeline's side of variant builds, with fake deps: what grading gets, what cleanup removes. */
import { describe, expect, it } from "vitest";
import type { CheckResult } from "../../lib/checks";
import type { Exercise } from "../../lib/lessons/schema";
import type { ServerMessage } from "../../lib/protocol";
import type { ImageReport } from "../../lib/report";
import type { BuildOutcome } from "./build-backend";
import { executeRun, type GradingContext, type PipelineDeps } from "./run-pipeline";

const runId = "8b0f3c1e-6a53-4f55-9a4e-0d1f2a3b4c5d";
const rebuildCheck = {
  kind: "rebuild-cache" as const,
  id: "cached",
  title: "Dependencies stay cached",
  hint: "h",
  edit: "main.go",
  append: "// x\n",
  cachedSteps: ["go mod download"],
  rebuiltSteps: [],
};
const exercise: Exercise = {
  id: "go/static",
  lessonSlug: "go",
  name: "static",
  dir: "/nowhere",
  title: "Static",
  prompt: "p",
  hints: ["h"],
  checks: [rebuildCheck],
  starter: "FROM stagecraft/golang:1.19\n",
  solution: "FROM stagecraft/busybox:1.35\n",
  contextFiles: ["main.go"],
};
const learner = "FROM stagecraft/busybox:1.35\n";
const pass: CheckResult = { checkId: "cached", kind: "rebuild-cache", title: "t", status: "pass", message: "ok" };
const ok = (buildMs: number): BuildOutcome => ({ ok: true, imageId: "sha256:1", buildMs, steps: [], sizeBytes: 10 });

function fakeDeps(grade: (ctx: GradingContext) => Promise<CheckResult[]>, over: Partial<PipelineDeps> = {}) {
  const calls = { cleanup: [] as [string, readonly string[]][], builds: [] as { tag: string; target?: string }[], contexts: [] as unknown[][] };
  const deps: PipelineDeps = {
    admit: () => ({ ok: true, model: { stages: [] } }),
    freeDiskBytes: async () => null,
    makeContext: async (...args) => {
      calls.contexts.push(args);
      return Buffer.from("tar");
    },
    build: async (o) => {
      calls.builds.push({ tag: o.tag, ...(o.target && { target: o.target }) });
      return ok(calls.builds.length === 1 ? 900 : 50);
    },
    report: async () => ({ sizeBytes: 10 }) as ImageReport,
    checks: (ctx) => grade(ctx),
    cleanup: async (tag, variantTags) => {
      calls.cleanup.push([tag, variantTags]);
    },
    warn: () => undefined,
    ...over,
  };
  return { deps, calls };
}

async function run(deps: PipelineDeps, signal = new AbortController().signal) {
  const messages: ServerMessage[] = [];
  const outcome = await executeRun(deps, { runId, learnerId: "l", exercise, dockerfile: learner, signal, emit: (m) => messages.push(m) });
  return { outcome, messages };
}

describe("variant builds in a run", () => {
  it("gives grading the exercise, a variant builder on the run's own build path, and terminal notes", async () => {
    let seen: GradingContext | undefined;
    const { deps, calls } = fakeDeps(async (ctx) => {
      seen = ctx;
      ctx.note("Checking the cache\x1b[31m!");
      const built = await ctx.variants.build({ label: "rebuild after editing main.go", edits: [{ path: "main.go", append: "// x\n" }] });
      expect(built).toMatchObject({ ok: true, sizeBytes: 10 });
      await ctx.variants.build({ label: "target release", target: "release" });
      return [pass];
    });
    const { outcome } = await run(deps);
    expect(outcome.state).toBe("passed");
    expect(seen?.exercise).toBe(exercise);
    expect(calls.contexts.slice(1)).toEqual([
      [exercise, learner, [{ path: "main.go", append: "// x\n" }]],
      [exercise, learner, []],
    ]);
    const [main, rebuild, target] = calls.builds;
    expect(rebuild?.tag).toMatch(/^stagecraft-run\/[0-9a-f]{32}:latest$/);
    expect(new Set([main?.tag, rebuild?.tag, target?.tag]).size).toBe(3);
    expect(target?.target).toBe("release");
    // Every variant image goes with the run's own, in the same cleanup.
    expect(calls.cleanup).toEqual([[main?.tag, [rebuild?.tag, target?.tag]]]);
    expect(outcome.variantTags).toEqual([rebuild?.tag, target?.tag]);
    // Notes reach the terminal sanitised; the variant's own output does not.
    expect(outcome.log).toContain("Checking the cache!\n");
    expect(outcome.log).toContain("Extra build for the checks: rebuild after editing main.go…\n  built: 50 ms");
  });

  it("removes a variant that was still building when the run was cancelled, after it unwound", async () => {
    const controller = new AbortController();
    const order: string[] = [];
    const { deps, calls } = fakeDeps(
      async (ctx) => {
        await ctx.variants.build({ label: "slow rebuild" });
        return [pass];
      },
      {
        build: async (o) => {
          if (order.length === 0) {
            order.push("main");
            return ok(5);
          }
          setTimeout(() => controller.abort("cancelled"), 5);
          return new Promise((resolve) =>
            o.signal.addEventListener("abort", () =>
              setTimeout(() => {
                order.push("variant unwound");
                resolve({ ok: false, code: "cancelled", message: "cancelled", buildMs: 1, steps: [] });
              }, 20),
            ),
          );
        },
        cleanup: async (tag, variantTags) => {
          order.push("cleanup");
          calls.cleanup.push([tag, variantTags]);
        },
      },
    );
    const { outcome } = await run(deps, controller.signal);
    expect(outcome.state).toBe("cancelled");
    expect(order).toEqual(["main", "variant unwound", "cleanup"]);
    expect(calls.cleanup[0]?.[1]).toHaveLength(1);
  });

  it("bounds grading by checks + variants only for exercises that use variant builds", async () => {
    const hang = () => new Promise<never>(() => undefined);
    const timeouts = { call: 1_000, checks: 30, variants: 400 };
    const slowWith = await run(fakeDeps(hang, { timeouts }).deps);
    expect(slowWith.outcome).toMatchObject({ state: "error", errorCode: "engine_unavailable" });
    expect(slowWith.outcome.durationMs).toBeGreaterThanOrEqual(400);

    const plain = { ...exercise, checks: [{ kind: "build-succeeds" as const, id: "b", title: "t", hint: "h" }] };
    const began = Date.now();
    const { deps } = fakeDeps(hang, { timeouts });
    const outcome = await executeRun(deps, { runId, learnerId: "l", exercise: plain, dockerfile: learner, signal: new AbortController().signal, emit: () => undefined });
    expect(outcome).toMatchObject({ state: "error", errorCode: "engine_unavailable" });
    expect(Date.now() - began).toBeLessThan(400);
  });
});

describe("weighing the stages after grading", () => {
  const twoStages = "FROM stagecraft/golang:1.19 AS build\nRUN go build -o /app .\nFROM stagecraft/busybox:1.35\nCOPY --from=build /app /app\n";
  const report = {
    sizeBytes: 10,
    stages: [
      { index: 0, name: "build", base: "stagecraft/golang:1.19", copiesFrom: [], built: true },
      { index: 1, name: null, base: "stagecraft/busybox:1.35", copiesFrom: ["build"], built: true },
    ],
    layers: [{ instruction: "COPY /app /app", sizeBytes: 4, fromBase: false, empty: false }],
  } as unknown as ImageReport;
  const weighRun = (deps: PipelineDeps, signal = new AbortController().signal) => {
    const messages: ServerMessage[] = [];
    const done = executeRun(deps, { runId, learnerId: "l", exercise, dockerfile: twoStages, signal, emit: (m) => messages.push(m) });
    return done.then((outcome) => ({ outcome, messages }));
  };

  it("builds each builder as --target, sends the report again with the weights, and removes those images too", async () => {
    const { deps, calls } = fakeDeps(async () => [pass], { report: async () => report, stageWeights: { stageWeightsMs: 5_000, maxWeighedStages: 6 } });
    const { outcome, messages } = await weighRun(deps);
    expect(outcome.state).toBe("passed");
    const [main, weigh] = calls.builds;
    expect(weigh).toMatchObject({ target: "build" });
    const reports = messages.filter((m) => m.type === "report");
    expect(reports).toHaveLength(2);
    expect(outcome.report?.stageWeights).toEqual({ weights: [{ index: 0, sizeBytes: 10 }], keptBytes: { "0": 4 } });
    expect(outcome.insightTags).toEqual([weigh?.tag]);
    expect(outcome.variantTags).toBeUndefined();
    expect(calls.cleanup).toEqual([[main?.tag, [weigh?.tag]]]);
    expect(outcome.log).toContain("Weighed 1 builder stage for the stage graph");
  });

  it("keeps the run's verdict when the engine stops answering while weighing, and says why the graph has no weights", async () => {
    let builds = 0;
    const { deps } = fakeDeps(async () => [pass], {
      report: async () => report,
      stageWeights: { stageWeightsMs: 50, maxWeighedStages: 6 },
      // A build that ignores even its abort: cleanup gives up on it after its own bound.
      timeouts: { call: 50, cleanup: 100 },
      build: async () => (++builds === 1 ? ok(5) : new Promise<never>(() => undefined)),
    });
    const { outcome } = await weighRun(deps);
    expect(outcome.state).toBe("passed");
    expect(outcome.report?.stageWeights).toMatchObject({ weights: [], note: expect.stringMatching(/could not be weighed/) });
  });

  it("does not weigh when the pipeline has no insight limits, or the file has one stage", async () => {
    const off = fakeDeps(async () => [pass], { report: async () => report });
    await weighRun(off.deps);
    expect(off.calls.builds).toHaveLength(1);
    const single = fakeDeps(async () => [pass], { report: async () => ({ ...report, stages: report.stages.slice(1) }), stageWeights: { stageWeightsMs: 5_000, maxWeighedStages: 6 } });
    const { outcome } = await weighRun(single.deps);
    expect(single.calls.builds).toHaveLength(1);
    expect(outcome.report?.stageWeights).toBeUndefined();
  });
});
