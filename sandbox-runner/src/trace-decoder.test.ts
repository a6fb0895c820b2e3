import { readFileSync } from "node:fs";
import path from "node:path";
import protobuf from "protobufjs";
import { describe, expect, it } from "vitest";
import { createLineSplitter, decodeBuildLine, decodeStatusResponse, type BuildStreamEvent } from "./trace-decoder";

const fixture = (name: string) => readFileSync(path.join(import.meta.dirname, "__fixtures__", name), "utf8");
const events = (body: string) => body.split("\n").filter(Boolean).map(decodeBuildLine);
const traces = (evs: BuildStreamEvent[]) => evs.flatMap((e) => (e.kind === "trace" ? [e.update] : []));

describe("decodeBuildLine on a recorded multi-stage build", () => {
  const evs = events(fixture("multi-stage.jsonl"));

  it("decodes every trace line and nothing is left unexplained", () => {
    expect(evs.filter((e) => e.kind === "ignored")).toEqual([]);
    expect(traces(evs).length).toBeGreaterThan(10);
  });

  it("yields vertices with sha256 digests, stage-prefixed names and ms timestamps", () => {
    const vertexes = traces(evs).flatMap((u) => u.vertexes);
    expect(vertexes.every((v) => /^sha256:[0-9a-f]{64}$/.test(v.digest))).toBe(true);
    const run = vertexes.find((v) => v.name.startsWith("[builder 2/3] RUN") && v.completed !== undefined);
    expect(run).toBeDefined();
    expect(run!.started).toBeGreaterThan(Date.UTC(2020, 0, 1));
    expect(run!.completed! - run!.started!).toBeGreaterThanOrEqual(0);
    expect(run!.completed! - run!.started!).toBeLessThan(60_000);
    // inputs are digests of earlier vertices
    expect(run!.inputs.length).toBeGreaterThan(0);
  });

  it("keeps log messages as raw bytes with their stream", () => {
    const logs = traces(evs).flatMap((u) => u.logs);
    const stdout = Buffer.concat(logs.filter((l) => l.stream === "stdout").map((l) => l.msg)).toString("utf8");
    const stderr = Buffer.concat(logs.filter((l) => l.stream === "stderr").map((l) => l.msg)).toString("utf8");
    expect(Buffer.isBuffer(logs[0]!.msg)).toBe(true);
    expect(stdout).toContain("compiling");
    expect(stdout).toContain("caf\u00e9 \u001b[31mred"); // raw: sanitising is not the decoder's job
    expect(stderr).toContain("to-stderr");
  });

  it("reports the image id and the legacy stream text", () => {
    expect(evs.find((e) => e.kind === "image-id")).toMatchObject({ imageId: expect.stringMatching(/^sha256:/) });
    expect(evs.find((e) => e.kind === "stream")).toMatchObject({ text: expect.stringContaining("Successfully tagged") });
  });
});

describe("decodeBuildLine edge cases", () => {
  it("turns errorDetail into an error event", () => {
    const evs = events(fixture("failing-run.jsonl"));
    expect(evs.at(-1)).toEqual({ kind: "error", message: expect.stringContaining("exit code: 1") });
    const failed = traces(evs).flatMap((u) => u.vertexes).find((v) => v.error);
    expect(failed?.error).toContain("executor failed running");
  });

  it("ignores garbage instead of throwing", () => {
    expect(decodeBuildLine("not json").kind).toBe("ignored");
    expect(decodeBuildLine("[1,2]").kind).toBe("ignored");
    expect(decodeBuildLine('{"id":"moby.buildkit.trace","aux":"!!!notbase64protobuf"}').kind).toBe("ignored");
  });

  it("decodes hand-encoded fields by their field numbers (incl. warnings and nanos)", () => {
    // Encode with an independent writer so the test does not reuse the decoder's own schema.
    const w = protobuf.Writer.create();
    const ts = protobuf.Writer.create().uint32((1 << 3) | 0).int64(1_700_000_000).uint32((2 << 3) | 0).int32(987_654_321).finish();
    const vertex = protobuf.Writer.create()
      .uint32((1 << 3) | 2).string("sha256:abc")
      .uint32((3 << 3) | 2).string("[builder 1/2] RUN x")
      .uint32((4 << 3) | 0).bool(true)
      .uint32((5 << 3) | 2).bytes(ts)
      .uint32((8 << 3) | 2).string("progress-group-from-newer-engines")
      .finish();
    const log = protobuf.Writer.create()
      .uint32((1 << 3) | 2).string("sha256:abc")
      .uint32((3 << 3) | 0).int64(2)
      .uint32((4 << 3) | 2).bytes(Buffer.from([0xc3]))
      .finish();
    const warning = protobuf.Writer.create()
      .uint32((1 << 3) | 2).string("sha256:abc")
      .uint32((3 << 3) | 2).bytes(Buffer.from("legacy key/value format"))
      .finish();
    w.uint32((1 << 3) | 2).bytes(vertex).uint32((3 << 3) | 2).bytes(log).uint32((4 << 3) | 2).bytes(warning);
    const update = decodeStatusResponse(Buffer.from(w.finish()).toString("base64"));
    expect(update.vertexes[0]).toEqual({
      digest: "sha256:abc",
      inputs: [],
      name: "[builder 1/2] RUN x",
      cached: true,
      started: 1_700_000_000_987,
      completed: undefined,
      error: undefined,
    });
    expect(update.logs[0]).toMatchObject({ vertex: "sha256:abc", stream: "stderr" });
    expect([...update.logs[0]!.msg]).toEqual([0xc3]);
    expect(update.warnings[0]).toMatchObject({ vertex: "sha256:abc", short: "legacy key/value format" });
  });
});

describe("createLineSplitter", () => {
  it("gives the same lines however the HTTP chunks are cut, including inside UTF-8", () => {
    const body = Buffer.from(fixture("multi-stage.jsonl") + '{"stream":"caf\u00e9\\n"}\n', "utf8");
    const whole: string[] = [];
    const s1 = createLineSplitter((l) => whole.push(l));
    s1.push(body);
    s1.end();
    for (const size of [1, 7, 333]) {
      const cut: string[] = [];
      const s2 = createLineSplitter((l) => cut.push(l));
      for (let i = 0; i < body.length; i += size) s2.push(body.subarray(i, i + size));
      s2.end();
      expect(cut).toEqual(whole);
    }
    expect(decodeBuildLine(whole.at(-1)!)).toEqual({ kind: "stream", text: "caf\u00e9\n" });
  });

  it("emits a final line without a trailing newline at end()", () => {
    const lines: string[] = [];
    const s = createLineSplitter((l) => lines.push(l));
    s.push('{"a":1}\n{"b":');
    s.push("2}");
    expect(lines).toEqual(['{"a":1}']);
    s.end();
    expect(lines).toEqual(['{"a":1}', '{"b":2}']);
  });
});
