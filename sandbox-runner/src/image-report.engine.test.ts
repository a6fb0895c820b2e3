/**
 * The image report against the real engine: images built here with BuildKit, read back with
 * image inspect and history.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DockerfileModel } from "../../lib/dockerfile/index";
import { buildImageReport } from "./image-report";
import { DEBIAN, imageExists, testDocker, testImages } from "./checks/test-images";

const docker = testDocker();
const images = testImages(docker);
let busybox = "";
let hasDebian = false;

beforeAll(async () => {
  busybox = await images.busybox();
  hasDebian = await imageExists(docker, DEBIAN);
});
afterAll(() => images.cleanup());

type StageSpec = [name: string | null, base: string, copyFrom?: string[]];
const modelOf = (...stages: StageSpec[]): DockerfileModel => ({
  stages: stages.map(([name, base, copyFrom = []], index) => ({
    index,
    name,
    base,
    fromLine: index + 1,
    copyFrom: copyFrom.map((source) => ({ source, line: index + 1 })),
  })),
});

describe("buildImageReport", () => {
  it("reports a two-stage image: layers split at the base, user, exec CMD, skipped stage", async () => {
    const dockerfile = [
      `FROM ${busybox} AS builder`,
      `RUN mkdir -p /out && echo "hello from the builder" > /out/greeting.txt`,
      `FROM ${busybox} AS unused`,
      `RUN echo never > /never`,
      `FROM ${busybox}`,
      `ENV GREETING_SECRET=s3cr3t-value`,
      `COPY --from=builder /out/greeting.txt /srv/greeting.txt`,
      `USER 65532`,
      `EXPOSE 8080`,
      `CMD ["cat", "/srv/greeting.txt"]`,
    ].join("\n");
    const { tag, steps } = await images.build(dockerfile);
    const model = modelOf(["builder", busybox], ["unused", busybox], [null, busybox, ["builder"]]);

    const report = await buildImageReport(docker, tag, model, steps);

    const inspect = await docker.getImage(tag).inspect();
    const baseHistory = await docker.getImage(busybox).history();
    expect(report.sizeBytes).toBe(inspect.Size);
    expect(report.platform).toBe(`linux/${inspect.Architecture}`);
    const base = report.layers.filter((l) => l.fromBase);
    const own = report.layers.filter((l) => !l.fromBase);
    expect(base).toHaveLength(baseHistory.length);
    expect(report.layers.slice(0, base.length).every((l) => l.fromBase)).toBe(true); // oldest first
    expect(own.map((l) => l.instruction)).toEqual([
      "ENV GREETING_SECRET=…",
      "COPY /out/greeting.txt /srv/greeting.txt",
      "USER 65532",
      "EXPOSE 8080/tcp",
      'CMD ["cat" "/srv/greeting.txt"]',
    ]);
    expect(own.map((l) => l.empty)).toEqual([true, false, true, true, true]);
    expect(own[1]?.sizeBytes).toBe("hello from the builder\n".length);

    expect(report.config).toMatchObject({
      user: "65532",
      cmd: ["cat", "/srv/greeting.txt"],
      entrypoint: null,
      cmdForm: "exec",
      exposedPorts: ["8080/tcp"],
      healthcheck: null,
    });
    expect(report.config.envNames).toContain("GREETING_SECRET");
    expect(JSON.stringify(report)).not.toContain("s3cr3t-value");

    expect(report.stages.map((s) => [s.name, s.built])).toEqual([
      ["builder", true],
      ["unused", false],
      [null, true],
    ]);
    expect(report.stages[2]?.copiesFrom).toEqual(["builder"]);
  });

  it("counts the root image of a FROM <stage> chain as the base, and the earlier stage's layers as the learner's", async () => {
    const dockerfile = [`FROM ${busybox} AS base`, `RUN echo a > /a`, `FROM base`, `RUN echo b > /b`, `CMD echo done`].join("\n");
    const { tag, steps } = await images.build(dockerfile);
    const report = await buildImageReport(docker, tag, modelOf(["base", busybox], [null, "base"]), steps);

    const baseCount = (await docker.getImage(busybox).history()).length;
    expect(report.layers.filter((l) => l.fromBase)).toHaveLength(baseCount);
    expect(report.layers.filter((l) => !l.fromBase).map((l) => l.instruction)).toEqual([
      "RUN echo a > /a",
      "RUN echo b > /b",
      'CMD ["/bin/sh" "-c" "echo done"]',
    ]);
    expect(report.config.cmdForm).toBe("shell");
    expect(report.stages.every((s) => s.built)).toBe(true);
  });

  it("marks no layer as base for FROM scratch and reports no command", async () => {
    const dockerfile = [`FROM ${busybox} AS tools`, `FROM scratch`, `COPY --from=tools /bin/busybox /busybox`].join("\n");
    const { tag, steps } = await images.build(dockerfile);
    const report = await buildImageReport(docker, tag, modelOf(["tools", busybox], [null, "scratch", ["tools"]]), steps);

    expect(report.layers).toEqual([
      { instruction: "COPY /bin/busybox /busybox", sizeBytes: expect.any(Number), fromBase: false, empty: false },
    ]);
    expect(report.config).toMatchObject({ user: "", cmd: null, entrypoint: null, cmdForm: "none" });
    // The tools stage has no step of its own (its FROM is merged away), yet it was built.
    expect(report.stages.map((s) => s.built)).toEqual([true, true]);
  });

  it("reports an imported Debian base as one base layer and a HEALTHCHECK readably", async ({ skip }) => {
    if (!hasDebian) skip(`${DEBIAN} is not built (npm run images:prepare)`);
    const dockerfile = [
      `FROM ${DEBIAN}`,
      `RUN useradd --uid 10001 web`,
      `HEALTHCHECK --interval=5s CMD test -e /etc/passwd || exit 1`,
      `USER web`,
      `ENTRYPOINT ["/bin/sleep"]`,
      `CMD ["1"]`,
    ].join("\n");
    const { tag, steps } = await images.build(dockerfile);
    const report = await buildImageReport(docker, tag, modelOf([null, DEBIAN]), steps);

    const baseLayers = report.layers.filter((l) => l.fromBase);
    expect(baseLayers.length).toBe((await docker.getImage(DEBIAN).history()).length);
    expect(baseLayers[0]?.sizeBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(report.layers.map((l) => l.instruction)).toContain("HEALTHCHECK CMD test -e /etc/passwd || exit 1");
    expect(report.config).toMatchObject({
      user: "web",
      healthcheck: ["CMD-SHELL", "test -e /etc/passwd || exit 1"],
      entrypoint: ["/bin/sleep"],
      cmd: ["1"],
      cmdForm: "exec",
    });
  });
});
