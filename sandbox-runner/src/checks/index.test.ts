/**
 * runChecks without an engine: the checks here read only the build outcome, the model and the
 * report, so no Docker is needed. Checks that touch the engine are in checks.engine.test.ts.
 */
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { CheckSpec } from "../../../lib/checks";
import type { ImageReport } from "../../../lib/report";
import { NOT_BUILT_MESSAGE, runChecks, type CheckContext } from "./index";

// Never contacted: every check in this file is decided without the engine.
const docker = new Docker({ socketPath: "/nonexistent/docker.sock" });

const report = (over: Partial<ImageReport["config"]> = {}, sizeBytes = 5 * 1024 * 1024): ImageReport => ({
  sizeBytes,
  layers: [],
  platform: "linux/amd64",
  stages: [
    { index: 0, name: "builder", base: "stagecraft/golang:1.19", copiesFrom: [], built: true },
    { index: 1, name: "unused", base: "stagecraft/golang:1.19", copiesFrom: [], built: false },
    { index: 2, name: null, base: "stagecraft/busybox:1.35", copiesFrom: ["builder"], built: true },
  ],
  config: { user: "", cmd: ["/app"], entrypoint: null, cmdForm: "exec", healthcheck: null, exposedPorts: [], envNames: [], workdir: "", ...over },
});

const ctx = (over: Partial<CheckContext> = {}): CheckContext => ({
  docker,
  imageRef: "stagecraft-run/abc",
  report: report(),
  build: { ok: true, imageId: "sha256:1", buildMs: 12_345, steps: [] },
  model: { stages: [] },
  linkBase: "/lessons/anatomy",
  ...over,
});

const spec = (s: Record<string, unknown>) => CheckSpec.parse({ id: "c", title: "T", hint: "Try harder.", ...s });

describe("runChecks", () => {
  it("fails every check but build-succeeds when the build failed, with the hint", async () => {
    const failed = ctx({ imageRef: null, report: null, build: { ok: false, code: "build_failed", message: "RUN go build exited 1", buildMs: 900, steps: [] } });
    const results = await runChecks(failed, [spec({ kind: "build-succeeds" }), spec({ kind: "image-size", maxBytes: 10, section: "size" })]);
    expect(results).toEqual([
      { checkId: "c", kind: "build-succeeds", title: "T", status: "fail", message: "the build did not succeed: RUN go build exited 1", hint: "Try harder." },
      { checkId: "c", kind: "image-size", title: "T", status: "fail", message: NOT_BUILT_MESSAGE, hint: "Try harder.", link: "/lessons/anatomy#size" },
    ]);
  });

  it("passes with what it saw, no hint, and the section link", async () => {
    const [result] = await runChecks(ctx(), [spec({ kind: "build-succeeds", section: "build" })]);
    expect(result).toEqual({ checkId: "c", kind: "build-succeeds", title: "T", status: "pass", message: "the build succeeded in 12.3 s", link: "/lessons/anatomy#build" });
  });

  it("states the observed size against the budget", async () => {
    const big = ctx({ report: report({}, 812 * 1024 * 1024) });
    const [over] = await runChecks(big, [spec({ kind: "image-size", maxBytes: 40 * 1024 * 1024 })]);
    expect(over).toMatchObject({ status: "fail", message: "final image is 812 MiB; the budget is 40.0 MiB" });
    const [under] = await runChecks(ctx(), [spec({ kind: "image-size", maxBytes: 40 * 1024 * 1024 })]);
    expect(under).toMatchObject({ status: "pass", message: "final image is 5.0 MiB, within the 40.0 MiB budget" });
    const [close] = await runChecks(ctx({ report: report({}, 1025) }), [spec({ kind: "image-size", maxBytes: 1024 })]);
    expect(close?.message).toBe("final image is 1.0 KiB (1025 bytes); the budget is 1.0 KiB (1024 bytes)");
  });

  it("counts only stages that went into the image", async () => {
    const [result] = await runChecks(ctx(), [spec({ kind: "stage-count", min: 3 })]);
    expect(result).toMatchObject({
      status: "fail",
      message: "2 stages went into the final image (skipped because nothing uses it: unused); at least 3 are expected",
    });
    const [ok] = await runChecks(ctx(), [spec({ kind: "stage-count", min: 2, max: 2 })]);
    expect(ok?.status).toBe("pass");
    const [tooMany] = await runChecks(ctx(), [spec({ kind: "stage-count", max: 1 })]);
    expect(tooMany?.message).toMatch(/the most allowed is 1$/);
  });

  it("tells exec form from shell form and a missing command", async () => {
    const run = (config: Partial<ImageReport["config"]>) => runChecks(ctx({ report: report(config) }), [spec({ kind: "exec-form-cmd" })]);
    expect((await run({}))[0]).toMatchObject({ status: "pass", message: 'CMD ["/app"] starts the program directly (exec form)' });
    expect((await run({ cmd: ["/bin/sh", "-c", "/app"], cmdForm: "shell" }))[0]).toMatchObject({
      status: "fail",
      message: 'CMD ["/bin/sh","-c","/app"] wraps the program in /bin/sh -c (shell form), so the shell is PID 1',
    });
    expect((await run({ cmd: null, cmdForm: "none" }))[0]?.status).toBe("fail");
  });

  it("fails root users from the config alone", async () => {
    const [result] = await runChecks(ctx(), [spec({ kind: "non-root-user" })]);
    expect(result).toMatchObject({ status: "fail", message: "the image runs as root (no USER is set)" });
    const [uid] = await runChecks(ctx({ report: report({ user: "10001" }) }), [spec({ kind: "non-root-user" })]);
    expect(uid).toMatchObject({ status: "pass", message: "the image runs as uid 10001 (USER 10001)" });
  });

  it("turns a check that throws into error and keeps going", async () => {
    const results = await runChecks(ctx({ report: null }), [spec({ kind: "image-size", maxBytes: 1 }), spec({ kind: "build-succeeds" })]);
    expect(results[0]).toMatchObject({ status: "error", message: "the check could not run: the image report could not be read", hint: "Try harder." });
    expect(results[1]?.status).toBe("pass");
  });

  it("reports an unreachable engine as error, not fail", async () => {
    const [result] = await runChecks(ctx(), [spec({ kind: "paths-absent", paths: ["/usr/bin/go"] })]);
    expect(result?.status).toBe("error");
    expect(result?.message).toBe("the check could not run: the Docker engine is not reachable");
  });
});
