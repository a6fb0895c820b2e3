import { afterEach, describe, expect, it, vi } from "vitest";
import type { Exercise } from "../../lib/lessons/schema";
import type { BuildOutcome } from "./build-backend";
import type { PipelineDeps } from "./run-pipeline";
import { createBaselineMemo, createVariantBuilder, usesVariantBuilds, type VariantBuildsOptions } from "./variant-builds";

const exercise = { starter: "FROM stagecraft/golang:1.19\n", solution: "FROM stagecraft/busybox:1.35\n" } as Exercise;
const learner = "FROM stagecraft/busybox:1.35\nCOPY . .\n";
const steps = [
  { id: "a", number: 1, name: "[1/2] FROM docker.io/stagecraft/busybox:1.35", status: "cached" as const },
  { id: "b", number: 2, name: "[2/2] COPY . .", status: "finished" as const, durationMs: 12 },
];

function setup(over: Partial<VariantBuildsOptions> = {}, build?: PipelineDeps["build"]) {
  const notes: string[] = [];
  const calls = { contexts: [] as unknown[][], builds: [] as Parameters<PipelineDeps["build"]>[0][], admitted: [] as string[] };
  let n = 0;
  const deps: VariantBuildsOptions["deps"] = {
    admit: (text) => {
      calls.admitted.push(text);
      return text.includes("ADD http") ? { ok: false, problems: [{ rule: "no-remote-add", message: "ADD from a URL is not allowed", line: 2 }] } : { ok: true, model: { stages: [] } };
    },
    makeContext: async (...args) => {
      calls.contexts.push(args);
      return Buffer.from(`${args[1]}|${JSON.stringify(args[2])}`);
    },
    build:
      build ??
      (async (o): Promise<BuildOutcome> => {
        calls.builds.push(o);
        return { ok: true, imageId: "sha256:1", buildMs: 1500, steps, sizeBytes: 3 * 1024 * 1024 };
      }),
  };
  const builder = createVariantBuilder({
    deps,
    exercise,
    dockerfile: learner,
    signal: new AbortController().signal,
    budgetMs: 60_000,
    note: (t) => notes.push(t),
    newTag: () => `stagecraft-run/v${++n}:latest`,
    ...over,
  });
  return { builder, notes, calls };
}

afterEach(() => vi.useRealTimers());

describe("createVariantBuilder", () => {
  it("builds the learner's Dockerfile with the edits, a fresh tag, no streamed output, and notes the outcome", async () => {
    const { builder, notes, calls } = setup();
    const edits = [{ path: "src/a.js", append: "// edit\n" }];
    const built = await builder.build({ label: "rebuild after editing src/a.js", edits });
    expect(built).toEqual({ ok: true, message: "", steps, buildMs: 1500, imageRef: "stagecraft-run/v1:latest", sizeBytes: 3 * 1024 * 1024 });
    expect(calls.contexts).toEqual([[exercise, learner, edits]]);
    expect(calls.builds[0]).toMatchObject({ tag: "stagecraft-run/v1:latest" });
    expect(calls.builds[0]).not.toHaveProperty("target");
    expect(calls.admitted).toEqual([]); // the learner's text was admitted before the first build
    expect(builder.tags).toEqual(["stagecraft-run/v1:latest"]);
    expect(notes).toEqual(["Extra build for the checks: rebuild after editing src/a.js…", "  built: 1.5 s, 1 of 2 steps from the cache, 3.0 MiB."]);
  });

  it("passes a target through and gives every variant its own tag", async () => {
    const { builder, calls } = setup();
    await builder.build({ label: "a", target: "release" });
    await builder.build({ label: "b", target: "debug" });
    expect(calls.builds.map((b) => [b.tag, b.target])).toEqual([
      ["stagecraft-run/v1:latest", "release"],
      ["stagecraft-run/v2:latest", "debug"],
    ]);
    expect(builder.tags).toEqual(["stagecraft-run/v1:latest", "stagecraft-run/v2:latest"]);
  });

  it("remembers the starter baseline across runs, and nothing else", async () => {
    const memo = createBaselineMemo();
    const first = setup({ memo });
    await first.builder.build({ label: "starter", dockerfile: exercise.starter });
    await first.builder.build({ label: "mine" });
    const second = setup({ memo });
    const again = await second.builder.build({ label: "starter", dockerfile: exercise.starter });
    await second.builder.build({ label: "mine" });
    expect(again).toMatchObject({ ok: true, sizeBytes: 3 * 1024 * 1024, imageRef: null });
    expect(second.calls.builds).toHaveLength(1); // only the learner's
    expect(second.builder.tags).toHaveLength(1);
    expect(second.notes[0]).toBe("Extra build for the checks: starter: 3.0 MiB (built in an earlier run, not built again).");
    // Only the plain starter: not edited, not a target, and not the learner's text even when it
    // is the solution (its targets must be built to be run).
    await second.builder.build({ label: "starter edited", dockerfile: exercise.starter, edits: [{ path: "x", append: "y" }] });
    await second.builder.build({ label: "starter target", dockerfile: exercise.starter, target: "build" });
    const solver = setup({ memo, dockerfile: exercise.solution });
    await solver.builder.build({ label: "target a", target: "a" });
    const again2 = await setup({ memo, dockerfile: exercise.solution }).builder.build({ label: "target a", target: "a" });
    expect(again2.imageRef).toMatch(/^stagecraft-run\//);
    expect(second.calls.builds).toHaveLength(3);
  });

  it("does not remember a failed starter build", async () => {
    const memo = createBaselineMemo();
    const failing = async (): Promise<BuildOutcome> => ({ ok: false, code: "build_failed", message: "no", buildMs: 3, steps: [] });
    await setup({ memo }, failing).builder.build({ label: "starter", dockerfile: exercise.starter });
    const { builder, calls } = setup({ memo });
    await builder.build({ label: "starter", dockerfile: exercise.starter });
    expect(calls.builds).toHaveLength(1);
  });

  it("keeps at most maxEntries baselines, dropping the least recently used", () => {
    const memo = createBaselineMemo(2);
    const b = { ok: true, message: "", steps: [], buildMs: 1, imageRef: "t", sizeBytes: 1 };
    memo.set("a", b);
    memo.set("b", b);
    memo.get("a");
    memo.set("c", b);
    expect([memo.get("a"), memo.get("b"), memo.get("c")].map(Boolean)).toEqual([true, false, true]);
    expect(memo.get("a")?.imageRef).toBeNull();
  });

  it("admits a Dockerfile that is not the learner's and refuses one the sandbox would refuse", async () => {
    const { builder, calls } = setup();
    const refused = await builder.build({ label: "x", dockerfile: "FROM stagecraft/busybox:1.35\nADD http://x/y /y\n" });
    expect(refused).toMatchObject({ ok: false, message: "its Dockerfile was refused: ADD from a URL is not allowed", imageRef: null });
    expect(calls.builds).toHaveLength(0);
  });

  it("reports a failed variant with the build's message and no image", async () => {
    const failing = async (): Promise<BuildOutcome> => ({ ok: false, code: "build_failed", message: "target stage nope could not be found", buildMs: 40, steps: [] });
    const { builder, notes } = setup({}, failing);
    expect(await builder.build({ label: "target nope", target: "nope" })).toMatchObject({ ok: false, message: "target stage nope could not be found", imageRef: null, sizeBytes: null });
    expect(notes[1]).toBe("  did not build: target stage nope could not be found");
    expect(builder.tags).toHaveLength(1); // removed at cleanup all the same: the engine may have kept something
  });

  it("stops a variant at what is left of the run's budget and says it ran out of time", async () => {
    vi.useFakeTimers();
    const slow: PipelineDeps["build"] = (o) =>
      new Promise((resolve) =>
        o.signal.addEventListener("abort", () => resolve({ ok: false, code: "cancelled", message: "cancelled", buildMs: 1000, steps: [] })),
      );
    const { builder } = setup({ budgetMs: 1000 }, slow);
    const pending = builder.build({ label: "slow" });
    await vi.advanceTimersByTimeAsync(1000);
    expect(await pending).toMatchObject({ ok: false, message: "it ran out of grading time (all extra builds of a run share 1.0 s)" });
    expect(await builder.build({ label: "next" })).toMatchObject({ ok: false, message: expect.stringMatching(/no grading time left/) });
  });

  it("throws when the run is stopped or the engine is gone: those are not the learner's results", async () => {
    const controller = new AbortController();
    const cancelled: PipelineDeps["build"] = async () => ({ ok: false, code: "cancelled", message: "cancelled", buildMs: 1, steps: [] });
    const { builder } = setup({ signal: controller.signal }, cancelled);
    await expect(builder.build({ label: "x" })).rejects.toThrow(/stopped/);
    const down: PipelineDeps["build"] = async () => ({ ok: false, code: "engine_unavailable", message: "engine down", buildMs: 1, steps: [] });
    await expect(setup({}, down).builder.build({ label: "x" })).rejects.toThrow("engine down");
    controller.abort();
    await expect(builder.build({ label: "y" })).rejects.toThrow(/stopped/);
  });

  it("idle() waits for a build still unwinding", async () => {
    let finish: (o: BuildOutcome) => void = () => undefined;
    const held: PipelineDeps["build"] = () => new Promise((resolve) => (finish = resolve));
    const { builder } = setup({}, held);
    const pending = builder.build({ label: "x" });
    await vi.waitFor(() => expect(builder.tags).toHaveLength(1));
    let idle = false;
    const waiting = builder.idle().then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    finish({ ok: true, imageId: "i", buildMs: 1, steps: [] });
    await waiting;
    await pending;
    expect(idle).toBe(true);
  });
});

describe("usesVariantBuilds", () => {
  it("is true only for exercises with a check that builds again", () => {
    const c = (kind: string) => ({ kind, id: "x", title: "t", hint: "h" }) as never;
    expect(usesVariantBuilds([c("build-succeeds"), c("image-size")])).toBe(false);
    expect(usesVariantBuilds([c("build-succeeds"), c("targets")])).toBe(true);
  });
});
