/**
 * Every check kind passing and failing on images built here with BuildKit, read back through the
 * real image report: the way the runner grades a learner's run.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckSpec, type CheckResult } from "../../../lib/checks";
import type { DockerfileModel } from "../../../lib/dockerfile/index";
import type { BuildStep } from "../../../lib/protocol";
import { removeLeftoverContainers } from "../container-run";
import { buildImageReport } from "../image-report";
import { withImageFiles } from "./image-files";
import { NOT_BUILT_MESSAGE, runChecks, type CheckContext } from "./index";
import { testDocker, testImages } from "./test-images";

const docker = testDocker();
const images = testImages(docker);
let busybox = "";

beforeAll(async () => {
  busybox = await images.busybox();
});
afterAll(() => images.cleanup());

/** Builds `dockerfile`, reads its report, and returns a context as the pipeline would pass it. */
async function contextFor(dockerfile: string, model: DockerfileModel): Promise<CheckContext> {
  const { tag, steps } = await images.build(dockerfile);
  const report = await buildImageReport(docker, tag, model, steps);
  return { docker, imageRef: tag, report, build: { ok: true, imageId: tag, buildMs: 1_000, steps }, model, linkBase: "/lessons/anatomy" };
}

const oneStage = (base: string): DockerfileModel => ({ stages: [{ index: 0, name: null, base, fromLine: 1, copyFrom: [] }] });
const twoStages = (base: string, final: string): DockerfileModel => ({
  stages: [
    { index: 0, name: "builder", base, fromLine: 1, copyFrom: [] },
    { index: 1, name: null, base: final, fromLine: 3, copyFrom: [{ source: "builder", line: 4 }] },
  ],
});

const check = async (ctx: CheckContext, spec: Record<string, unknown>): Promise<CheckResult> => {
  const parsed = CheckSpec.parse({ id: "c", title: "T", hint: "H", section: "s", ...spec });
  const [result] = await runChecks(ctx, [parsed]);
  if (!result) throw new Error("no result");
  return result;
};

describe("checks on a good multi-stage image", () => {
  let ctx: CheckContext;
  beforeAll(async () => {
    const dockerfile = [
      `FROM ${busybox} AS builder`,
      `RUN mkdir -p /out && printf '#!/bin/sh\\necho "hello, stagecraft"\\n' > /out/app && chmod +x /out/app`,
      `FROM ${busybox}`,
      `RUN echo 'web:x:10001:10001::/:/bin/sh' >> /etc/passwd`,
      `COPY --from=builder /out/app /app`,
      `USER web`,
      `CMD ["/app"]`,
    ].join("\n");
    ctx = await contextFor(dockerfile, twoStages(busybox, busybox));
  });

  it("passes build-succeeds, stage-count, image-size and exec-form-cmd", async () => {
    expect(await check(ctx, { kind: "build-succeeds" })).toMatchObject({ status: "pass" });
    expect(await check(ctx, { kind: "stage-count", min: 2 })).toMatchObject({ status: "pass", message: "2 stages went into the final image" });
    expect(await check(ctx, { kind: "image-size", maxBytes: 40 * 1024 * 1024 })).toMatchObject({
      status: "pass",
      message: expect.stringMatching(/^final image is 1\.\d MiB, within the 40\.0 MiB budget$/),
    });
    expect(await check(ctx, { kind: "exec-form-cmd" })).toMatchObject({ status: "pass", message: 'CMD ["/app"] starts the program directly (exec form)' });
  });

  it("fails image-size and stage-count when the image breaks the rule", async () => {
    const size = await check(ctx, { kind: "image-size", maxBytes: 1024 * 1024 });
    expect(size).toMatchObject({ status: "fail", hint: "H", link: "/lessons/anatomy#s" });
    expect(size.message).toMatch(/^final image is 1\.\d MiB; the budget is 1\.0 MiB$/);
    expect(await check(ctx, { kind: "stage-count", max: 1 })).toMatchObject({ status: "fail" });
  });

  it("passes non-root-user for a named user found in /etc/passwd", async () => {
    expect(await check(ctx, { kind: "non-root-user" })).toMatchObject({ status: "pass", message: 'the image runs as user "web" (uid 10001)' });
  });

  it("passes paths-absent for paths that are not there and fails for ones that are", async () => {
    expect(await check(ctx, { kind: "paths-absent", paths: ["/out", "/usr/local/go"] })).toMatchObject({ status: "pass" });
    expect(await check(ctx, { kind: "paths-absent", paths: ["/app", "/out", "/bin/sh"] })).toMatchObject({
      status: "fail",
      message: "found in the final image: /app, /bin/sh",
    });
  });

  it("never calls a path absent because its container was removed under it", async () => {
    const image = ctx.imageRef ?? "";
    await expect(
      withImageFiles(docker, image, async (files) => {
        expect(await files.exists("/nope")).toBe(false);
        expect(await removeLeftoverContainers(docker, { image })).toBe(1); // a cleanup strikes
        return files.exists("/nope");
      }),
    ).rejects.toMatchObject({ statusCode: 404 });
  });

  it("passes container-output when the program prints what is expected", async () => {
    expect(await check(ctx, { kind: "container-output", stdoutIncludes: ["hello, stagecraft"] })).toMatchObject({
      status: "pass",
      message: 'the container exited with code 0 and printed "hello, stagecraft"',
    });
  });

  it("fails container-output on missing output, a wrong exit code, a hang, a memory bomb and a bad command", async () => {
    expect(await check(ctx, { kind: "container-output", stdoutIncludes: ["goodbye"] })).toMatchObject({
      status: "fail",
      message: 'the output did not include "goodbye"; it printed "hello, stagecraft"',
    });
    expect(await check(ctx, { kind: "container-output", cmd: ["sh", "-c", "echo broken >&2; exit 3"] })).toMatchObject({
      status: "fail",
      message: 'the container exited with code 3, expected 0; its last error output was "broken"',
    });
    expect(await check(ctx, { kind: "container-output", cmd: ["sh", "-c", "echo starting; while :; do :; done"], timeoutMs: 1_500 })).toMatchObject({
      status: "fail",
      message: 'the container was still running after 1.5 s, so it was stopped; it printed "starting"',
    });
    expect(await check(ctx, { kind: "container-output", cmd: ["sh", "-c", "head -c 300m /dev/zero | tail"] })).toMatchObject({
      status: "fail",
      message: "the container was killed for using more than 128 MiB of memory",
    });
    const missing = await check(ctx, { kind: "container-output", cmd: ["/no/such/program"] });
    expect(missing.status).toBe("fail");
    expect(missing.message).toMatch(/^the container did not start: .*no such file or directory/);
  });
});

describe("checks on a shell-form, root, shell-less or broken image", () => {
  it("fails exec-form-cmd and non-root-user for a shell-form CMD with no USER", async () => {
    const ctx = await contextFor(`FROM ${busybox}\nCMD echo hi`, oneStage(busybox));
    expect(await check(ctx, { kind: "exec-form-cmd" })).toMatchObject({
      status: "fail",
      message: 'CMD ["/bin/sh","-c","echo hi"] wraps the program in /bin/sh -c (shell form), so the shell is PID 1',
    });
    expect(await check(ctx, { kind: "non-root-user" })).toMatchObject({ status: "fail", message: "the image runs as root (no USER is set)" });
  });

  it("fails exec-form-cmd when the only command is the one inherited from the base image", async () => {
    const base = await docker.getImage(busybox).inspect();
    expect(base.Config.Cmd).toEqual(["sh"]); // what the learner inherits without writing a CMD
    const ctx = await contextFor(`FROM ${busybox}\nRUN echo no-cmd > /note`, oneStage(busybox));
    expect(ctx.report?.config).toMatchObject({ cmd: ["sh"], cmdForm: "exec" });
    expect(await check(ctx, { kind: "exec-form-cmd" })).toMatchObject({
      status: "fail",
      message: `the image only has CMD ["sh"] inherited from ${busybox}; set your own CMD in exec form`,
      hint: "H",
    });
  });

  it("follows FROM <earlier stage> to the base image for exec-form-cmd", async () => {
    const chain = (final: string): DockerfileModel => ({
      stages: [
        { index: 0, name: "base", base: busybox, fromLine: 1, copyFrom: [] },
        { index: 1, name: null, base: final, fromLine: 3, copyFrom: [] },
      ],
    });
    const inherited = await contextFor(`FROM ${busybox} AS base\nRUN echo chained > /note\nFROM base\nRUN echo final >> /note`, chain("base"));
    expect(await check(inherited, { kind: "exec-form-cmd" })).toMatchObject({
      status: "fail",
      message: `the image only has CMD ["sh"] inherited from ${busybox}; set your own CMD in exec form`,
    });
    // A CMD the learner wrote in an earlier stage is still the learner's own.
    const own = await contextFor(`FROM ${busybox} AS base\nCMD ["cat", "/note"]\nFROM base\nRUN echo final > /note`, chain("base"));
    expect(await check(own, { kind: "exec-form-cmd" })).toMatchObject({ status: "pass", message: 'CMD ["cat","/note"] starts the program directly (exec form)' });
  });

  it("passes exec-form-cmd for the learner's own exec-form CMD or ENTRYPOINT on busybox", async () => {
    const cmd = await contextFor(`FROM ${busybox}\nCMD ["echo", "hi"]`, oneStage(busybox));
    expect(await check(cmd, { kind: "exec-form-cmd" })).toMatchObject({ status: "pass", message: 'CMD ["echo","hi"] starts the program directly (exec form)' });
    const entrypoint = await contextFor(`FROM ${busybox}\nENTRYPOINT ["echo", "hi"]`, oneStage(busybox));
    expect(await check(entrypoint, { kind: "exec-form-cmd" })).toMatchObject({ status: "pass" });
  });

  it("fails non-root-user for a name with uid 0 and for a name the image does not define", async () => {
    const toor = await contextFor(`FROM ${busybox}\nRUN echo 'toor:x:0:0::/:/bin/sh' >> /etc/passwd\nUSER toor`, oneStage(busybox));
    expect(await check(toor, { kind: "non-root-user" })).toMatchObject({ status: "fail", message: 'the image runs as root: user "toor" has uid 0 in /etc/passwd' });
    const ghost = await contextFor(`FROM ${busybox}\nUSER ghost`, oneStage(busybox));
    expect(await check(ghost, { kind: "non-root-user" })).toMatchObject({
      status: "fail",
      message: `USER ghost: there is no user "ghost" in the image's /etc/passwd, so the container cannot start`,
    });
  });

  it("reads a scratch image with no shell and no /etc/passwd", async () => {
    const dockerfile = [`FROM ${busybox} AS builder`, `FROM scratch`, `COPY --from=builder /bin/busybox /busybox`, `USER app`, `ENTRYPOINT ["/busybox"]`].join("\n");
    const ctx = await contextFor(dockerfile, twoStages(busybox, "scratch"));
    expect(await check(ctx, { kind: "paths-absent", paths: ["/bin/sh", "/etc/passwd"] })).toMatchObject({ status: "pass" });
    expect(await check(ctx, { kind: "paths-absent", paths: ["/busybox"] })).toMatchObject({ status: "fail", message: "found in the final image: /busybox" });
    expect(await check(ctx, { kind: "non-root-user" })).toMatchObject({
      status: "fail",
      message: "USER app names a user, but the image has no /etc/passwd to define it, so the container cannot start",
    });
    // scratch provides no command, so the ENTRYPOINT is the learner's own.
    expect(await check(ctx, { kind: "exec-form-cmd" })).toMatchObject({ status: "pass", message: 'ENTRYPOINT ["/busybox"] starts the program directly (exec form)' });
    const numeric = await contextFor(dockerfile.replace("USER app", "USER 65532"), twoStages(busybox, "scratch"));
    expect(await check(numeric, { kind: "non-root-user" })).toMatchObject({ status: "pass" });
    expect(await check(numeric, { kind: "container-output", cmd: ["echo", "from scratch"], stdoutIncludes: ["from scratch"] })).toMatchObject({
      status: "pass",
    });
  });

  it("fails every check but build-succeeds after a failed build", async () => {
    const { steps, error } = await images.buildFailing(`FROM ${busybox}\nRUN echo compiling && exit 2`);
    const failedSteps: BuildStep[] = steps;
    const ctx: CheckContext = {
      docker,
      imageRef: null,
      report: null,
      build: { ok: false, code: "build_failed", message: error, buildMs: 500, steps: failedSteps },
      model: oneStage(busybox),
      linkBase: "/lessons/anatomy",
    };
    const specs = ["build-succeeds", "non-root-user", "exec-form-cmd"].map((kind) => CheckSpec.parse({ id: kind, title: kind, hint: "H", kind }));
    const [build, ...rest] = await runChecks(ctx, specs);
    expect(build).toMatchObject({ status: "fail", message: expect.stringMatching(/^the build did not succeed: .*exit code: 2/) });
    expect(rest.map((r) => [r.status, r.message])).toEqual([
      ["fail", NOT_BUILT_MESSAGE],
      ["fail", NOT_BUILT_MESSAGE],
    ]);
  });
});
