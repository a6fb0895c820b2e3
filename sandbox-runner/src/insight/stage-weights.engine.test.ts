/**
 * Stage weights for real: a two-builder Dockerfile run through the runner's own pipeline on the
 * engine. Each builder is weighed by a cached `--target` build; what reached the final image is
 * the size of the layers the final stage's `COPY --from` made; the skipped stage stays unweighed.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stageGraph, discardedBytes, type StageNode } from "../../../lib/insight/stages";
import type { ServerMessage } from "../../../lib/protocol";
import { createDocker } from "../engine";
import { createEnginePipeline } from "../engine-pipeline";
import { executeRun, type PipelineDeps } from "../run-pipeline";
import { expectImagesGone, writeExercise } from "../test-support";

const docker = createDocker(process.env.DOCKER_SOCKET ?? "/var/run/docker.sock");
const nonce = randomBytes(4).toString("hex");
const BUSYBOX = "stagecraft/busybox:1.35";
const KiB = 1024;

let root: string;
let pipeline: PipelineDeps;

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "sc-stage-weights-"));
  pipeline = await createEnginePipeline(docker, { build: { timeoutMs: 120_000 }, warn: () => undefined });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe("stage weights", () => {
  it("weighs each builder stage and counts what its COPY --from carried into the final image", async () => {
    // builder writes 300 KiB that is copied out and 700 KiB that is left behind; assets writes
    // 40 KiB, all copied; unused is never built.
    const dockerfile = `FROM ${BUSYBOX} AS builder
RUN mkdir /out && head -c ${300 * KiB} /dev/urandom > /out/app && head -c ${700 * KiB} /dev/urandom > /junk && echo ${nonce}
FROM ${BUSYBOX} AS assets
RUN mkdir /assets && head -c ${40 * KiB} /dev/urandom > /assets/logo && echo ${nonce}
FROM ${BUSYBOX} AS unused
RUN echo never ${nonce}
FROM ${BUSYBOX}
COPY --from=builder /out/app /app
COPY --from=assets /assets /assets
USER 65532
CMD ["/app"]
`;
    const exercise = await writeExercise(root, "weights", { files: { "README.md": "x\n" }, checks: [{ kind: "build-succeeds" }] });
    const reports: Extract<ServerMessage, { type: "report" }>[] = [];
    const outcome = await executeRun(pipeline, {
      runId: randomUUID(),
      learnerId: "stage-weights-engine",
      exercise,
      dockerfile,
      signal: new AbortController().signal,
      emit: (m) => {
        if (m.type === "report") reports.push(m);
      },
    });
    expect(outcome.state, outcome.log).toBe("passed");
    await expectImagesGone(docker, outcome);
    // Two weighed stages, plus whatever the comparison view built (this exercise's starter).
    expect(outcome.insightTags!.length).toBeGreaterThanOrEqual(2);
    // The report goes out at once, then again with the weights once they are known.
    expect(reports).toHaveLength(2);
    expect(reports[0]!.report.stageWeights).toBeUndefined();
    const report = outcome.report!;
    // The stored report also holds the layers/waste/comparison views, read after the weighing.
    const { insight: _views, ...stored } = report;
    expect(reports[1]!.report).toEqual(stored);
    expect(report.stageWeights?.note).toBeUndefined();
    expect(outcome.log).toMatch(/Weighed 2 builder stages/);

    const nodes = stageGraph(report).nodes.filter((n): n is StageNode => n.kind === "stage");
    const [builder, assets, unused, final] = nodes;
    // The builder image is its busybox base plus ~1000 KiB; 300 KiB of it reached the final image.
    const base = (await docker.getImage(BUSYBOX).inspect()).Size;
    expect(builder!.sizeBytes! - base).toBeGreaterThanOrEqual(1000 * KiB);
    expect(builder!.sizeBytes! - base).toBeLessThan(1010 * KiB);
    expect(final!.sizeBytes).toBe(report.sizeBytes);
    expect(builder!.keptBytes).toBeGreaterThanOrEqual(300 * KiB);
    expect(builder!.keptBytes).toBeLessThan(310 * KiB);
    expect(assets!.keptBytes).toBeGreaterThanOrEqual(40 * KiB);
    expect(assets!.keptBytes).toBeLessThan(50 * KiB);
    expect(discardedBytes(builder!)).toBeGreaterThan(700 * KiB);
    expect(unused).toMatchObject({ built: false, sizeBytes: null, keptBytes: null });
    // Per-step timings travel with the report for the next run's cache timeline.
    expect(report.steps?.map((s) => s.name)).toEqual(expect.arrayContaining([expect.stringMatching(/^\[builder 2\/2\] RUN mkdir \/out/)]));
  }, 300_000);
});
