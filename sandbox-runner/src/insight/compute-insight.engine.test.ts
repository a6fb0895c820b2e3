/**
 * Build insight on the real engine: a two-stage image with a deliberate waste layer, built here
 * with BuildKit and read back through `GET /images/{name}/get`. Starter and solution builds go to
 * the same engine (through the test's image helper, which removes them afterwards).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BuildInsight } from "../../../lib/insight/index";
import type { Exercise } from "../../../lib/lessons/schema";
import { analyzeDockerfile } from "../../../lib/dockerfile/index";
import type { VariantBuilder } from "../checks/types";
import { testDocker, testImages } from "../checks/test-images";
import { SANDBOX_LIMITS } from "../limits";
import { computeInsight, type InsightLimits } from "./compute-insight";
import { createSummaryMemo } from "./summary-memo";

const docker = testDocker();
const images = testImages(docker);
let busybox = "";

beforeAll(async () => {
  busybox = await images.busybox();
});
afterAll(() => images.cleanup());

// Line numbers matter: the assertions name them.
const learner = (base: string) =>
  [
    `FROM ${base} AS builder`, //                                          1
    `RUN mkdir /out && head -c 3000 /dev/zero > /out/app`, //              2
    `FROM ${base}`, //                                                     3
    `RUN mkdir /srv && head -c 100000 /dev/zero > /srv/junk.bin && head -c 5000 /dev/zero > /srv/keep.txt`, // 4
    `RUN rm /srv/junk.bin`, //                                             5
    `COPY --from=builder /out/app /srv/app`, //                            6
    `RUN head -c 7 /dev/zero > /srv/keep.txt`, //                          7
    `USER 65532`, //                                                       8
    `CMD ["/srv/app"]`, //                                                 9
  ].join("\n");

/** The test's exercise: only what the insight reads of one (its id, starter and solution). */
const exerciseOf = (starter: string, solution: string) => ({ id: `test/insight-${Math.random()}`, starter, solution }) as Exercise;

/** Starter and solution builds on the real engine, counted. */
function realVariants(): VariantBuilder & { count: number } {
  const variants = {
    count: 0,
    async build(req: Parameters<VariantBuilder["build"]>[0]) {
      variants.count += 1;
      const { tag, steps } = await images.build(req.dockerfile ?? "");
      const info = await docker.getImage(tag).inspect();
      return { ok: true, message: "", steps, buildMs: 0, imageRef: tag, sizeBytes: info.Size };
    },
  };
  return variants;
}

async function insightOf(dockerfile: string, exercise: Exercise, variants: VariantBuilder, memo = createSummaryMemo(), limits: InsightLimits = SANDBOX_LIMITS.insight) {
  const { tag } = await images.build(dockerfile);
  const model = analyzeDockerfile(dockerfile);
  const signal = new AbortController().signal;
  return computeInsight(docker, { imageRef: tag, dockerfile, model, exercise, variants, signal }, memo, limits);
}

function available<K extends "layers" | "waste" | "comparison">(insight: BuildInsight, key: K) {
  const section = insight[key];
  if (!section.available) throw new Error(`${key} not available: ${section.reason}`);
  return section as Extract<BuildInsight[K], { available: true }>;
}

describe("computeInsight on a real two-stage build", () => {
  it("attributes each layer to its line, sets the base apart by digest and counts the removed and overwritten bytes", async () => {
    const dockerfile = learner(busybox);
    const starter = `FROM ${busybox}\nRUN head -c 400000 /dev/zero > /big.bin\nCMD ["cat", "/big.bin"]\n`;
    const solution = `FROM ${busybox}\nCMD ["true"]\n`;
    const variants = realVariants();
    const insight = await insightOf(dockerfile, exerciseOf(starter, solution), variants);

    const layers = available(insight, "layers");
    const baseHistory = await docker.getImage(busybox).history();
    expect(layers.baseCompared).toBe(true);
    expect(layers.baseImage).toBe(busybox);
    const base = layers.layers.filter((l) => l.origin === "base");
    expect(base).toHaveLength(baseHistory.length);
    const own = layers.layers.slice(base.length);
    expect(own.map((l) => [l.line, l.instruction.split(" ")[0], l.empty])).toEqual([
      [4, "RUN", false],
      [5, "RUN", false],
      [6, "COPY", false],
      [7, "RUN", false],
      [8, "USER", true],
      [9, "CMD", true],
    ]);
    expect(own.every((l) => l.stage === "stage 1")).toBe(true);

    const waste = available(insight, "waste");
    const lineOf = (index: number) => layers.layers[index]?.line;
    expect(waste.complete).toBe(true);
    expect(waste.reclaimableBytes).toBe(105_000);
    expect(waste.offenders.map((o) => ({ ...o, writtenBy: lineOf(o.writtenBy), removedBy: lineOf(o.removedBy) }))).toEqual([
      { path: "/srv/junk.bin", sizeBytes: 100_000, files: 1, how: "removed", writtenBy: 4, removedBy: 5 },
      { path: "/srv/keep.txt", sizeBytes: 5_000, files: 1, how: "overwritten", writtenBy: 4, removedBy: 7 },
    ]);

    const comparison = available(insight, "comparison");
    // What the final stage's own steps left: /srv/app (3000) and the rewritten /srv/keep.txt (7).
    expect(comparison.mine.categories.app).toBe(3007);
    expect(comparison.mine.layerCount).toBe((await docker.getImage(busybox).inspect()).RootFS!.Layers!.length + 4);
    if (!comparison.starter.available || !comparison.solution.available) throw new Error("both sides should be there");
    // The starter's 400 kB file is what it has and the learner's image does not.
    expect(comparison.starter.diff[0]).toMatchObject({ path: "/big.bin", category: "app", mineBytes: 0, otherBytes: 400_000 });
    expect(comparison.solution.summary.categories.app).toBe(0);
    expect(variants.count).toBe(2);
  });

  it("builds the starter and solution once: a second run compares against the remembered summaries", async () => {
    const starter = `FROM ${busybox}\nRUN head -c 1000 /dev/zero > /a.bin\n`;
    const solution = `FROM ${busybox}\nCMD ["true"]\n`;
    const exercise = exerciseOf(starter, solution);
    const memo = createSummaryMemo();
    const variants = realVariants();
    await insightOf(solution, exercise, variants, memo);
    const again = await insightOf(`${solution}USER 65532\n`, exercise, variants, memo);
    expect(variants.count).toBe(1); // the solution is the learner's own text the first time
    expect(available(again, "comparison").starter.available).toBe(true);
    expect(available(again, "comparison").solution.available).toBe(true);
  });

  it("says the read was cut, and what it covers, when an image has more files than the bound", async () => {
    const insight = await insightOf(learner(busybox), exerciseOf("FROM scratch\n", "FROM scratch\n"), realVariants(), createSummaryMemo(), {
      ...SANDBOX_LIMITS.insight,
      maxEntries: 3,
    });
    const waste = available(insight, "waste");
    expect(waste.complete).toBe(false);
    expect(waste.note).toMatch(/stopped after 4 files/);
    expect(insight.comparison).toEqual({ available: false, reason: "Not available this run: your image could not be read in full." });
    // Layers come from the history, not the layer read: still complete.
    expect(available(insight, "layers").layers.some((l) => l.line === 7)).toBe(true);
  });
});
