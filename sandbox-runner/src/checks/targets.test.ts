import { describe, expect, it } from "vitest";
import type { DockerfileModel } from "../../../lib/dockerfile/index";
import type { ContainerRunResult } from "../container-run";
import { baseOf, judgeTarget, judgeTargets } from "./targets";
import type { VariantBuild } from "./types";

const MiB = 1024 * 1024;
const built = (sizeBytes: number): VariantBuild => ({ ok: true, message: "", steps: [], buildMs: 10, imageRef: "stagecraft-run/t:latest", sizeBytes });
const ran = (over: Partial<ContainerRunResult> = {}): ContainerRunResult => ({
  exitCode: 0,
  stdout: "hello from stagecraft\n",
  stderr: "",
  oomKilled: false,
  timedOut: false,
  ...over,
});
const spec = (target: string, maxBytes?: number) => ({ target, label: `${target} base`, ...(maxBytes !== undefined && { maxBytes }) });

describe("judgeTarget", () => {
  it("accepts a target that built, exited 0, printed the text and fits", () => {
    expect(judgeTarget(spec("tiny", 4 * MiB), "stagecraft/busybox:1.35", built(2 * MiB), ran(), ["hello"])).toMatchObject({ ran: "yes", problem: null });
  });

  it("says what went wrong: not built, not started, wrong exit, wrong output, too big", () => {
    const failed: VariantBuild = { ok: false, message: "target stage lean could not be found\nmore", steps: [], buildMs: 1, imageRef: null, sizeBytes: null };
    expect(judgeTarget(spec("lean"), "—", failed, null, [])).toMatchObject({ ran: "did not build", problem: "did not build: target stage lean could not be found" });
    expect(judgeTarget(spec("a"), "scratch", built(MiB), ran({ exitCode: null, startError: "exec: \"sh\": executable file not found" }), []).problem).toBe(
      'did not start (exec: "sh": executable file not found)',
    );
    expect(judgeTarget(spec("b"), "x", built(MiB), ran({ exitCode: 127, stderr: "sh: nope: not found\n" }), [])).toMatchObject({
      ran: "no: exit code 127",
      problem: 'exited with code 127 after printing "sh: nope: not found"',
    });
    expect(judgeTarget(spec("c"), "x", built(MiB), ran({ stdout: "bye" }), ["hello"])).toMatchObject({ ran: "no: wrong output", problem: 'printed "bye", not "hello"' });
    expect(judgeTarget(spec("d", MiB), "x", built(3 * MiB), ran(), []).problem).toBe("is 3.0 MiB, over its 1.0 MiB budget");
  });
});

describe("judgeTargets", () => {
  it("passes with a table of every target's base, size and run", () => {
    const results = [
      judgeTarget(spec("debian"), "stagecraft/debian:bookworm-slim", built(80 * MiB), ran(), []),
      judgeTarget(spec("static", 4 * MiB), "scratch", built(1.5 * MiB), ran(), []),
    ];
    const outcome = judgeTargets(results);
    expect(outcome).toMatchObject({ status: "pass", message: "all 2 targets built and ran: debian 80.0 MiB, static 1.5 MiB" });
    expect(outcome.detail).toEqual({
      type: "table",
      columns: ["Target", "Base", "Size", "Budget", "Runs"],
      rows: [
        ["debian base (debian)", "stagecraft/debian:bookworm-slim", "80.0 MiB", "—", "yes"],
        ["static base (static)", "scratch", "1.5 MiB", "4.0 MiB", "yes"],
      ],
    });
  });

  it("fails naming each target that fell short", () => {
    const results = [
      judgeTarget(spec("debian"), "stagecraft/debian:bookworm-slim", built(80 * MiB), ran(), []),
      judgeTarget(spec("static"), "scratch", built(MiB), ran({ exitCode: 1 }), []),
    ];
    const outcome = judgeTargets(results);
    expect(outcome).toMatchObject({ status: "fail", message: "1 of 2 targets fell short: `static` exited with code 1" });
    // No target has a budget: no budget column.
    expect(outcome.detail).toMatchObject({ columns: ["Target", "Base", "Size", "Runs"] });
  });
});

describe("baseOf", () => {
  const model: DockerfileModel = {
    stages: [
      { index: 0, name: "build", base: "stagecraft/golang:1.19", fromLine: 1, copyFrom: [] },
      { index: 1, name: "test", base: "build", fromLine: 4, copyFrom: [] },
      { index: 2, name: "release", base: "scratch", fromLine: 6, copyFrom: [] },
    ],
  };
  it("follows FROM <stage> to the image underneath, and says — for an unknown target", () => {
    expect(baseOf(model, "test")).toBe("stagecraft/golang:1.19");
    expect(baseOf(model, "Release")).toBe("scratch");
    expect(baseOf(model, "nope")).toBe("—");
  });
});
