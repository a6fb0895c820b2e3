import { describe, expect, it } from "vitest";
import { analyzeDockerfile } from "../../../lib/dockerfile/index";
import { copySource, judgeEdges, type GraphStage } from "./stage-edges";

/** Stages of a real Dockerfile; `skipped` lists stages BuildKit did not build. */
function graph(lines: string[], skipped: number[] = []): GraphStage[] {
  return analyzeDockerfile(lines.join("\n")).stages.map((s) => ({ ...s, built: !skipped.includes(s.index) }));
}
type Edge = { from: string; to: string; form?: "any" | "name" | "index" };
const spec = (over: { stageNames?: string[]; edges?: Edge[]; byIndex?: boolean }) => ({
  stageNames: over.stageNames ?? [],
  edges: (over.edges ?? []).map((e) => ({ form: "any" as const, ...e })),
  byIndex: over.byIndex ?? false,
});

const named = graph([
  "FROM stagecraft/golang:1.19 AS Builder", // 1
  "RUN go build -o /out/app .", // 2
  "FROM stagecraft/busybox:1.35 AS test", // 3
  "COPY --from=builder /out/app /app", // 4
  "FROM stagecraft/busybox:1.35", // 5
  "COPY --from=builder /out/app /app", // 6
  "COPY --from=stagecraft/gcc:12 /usr/bin/make /make", // 7
]);

describe("copySource", () => {
  it("resolves earlier stages by name (any case), then by number, else an image", () => {
    expect(copySource(named, "BUILDER", 2)).toBe(0);
    expect(copySource(named, "1", 2)).toBe(1);
    expect(copySource(named, "2", 2)).toBeNull(); // a stage cannot copy from itself
    expect(copySource(named, "test", 1)).toBeNull(); // nor from a later stage
    expect(copySource(named, "stagecraft/gcc:12", 2)).toBeNull();
  });
});

describe("judgeEdges", () => {
  it("passes named stages and built edges, naming what it saw", () => {
    expect(judgeEdges(named, spec({ stageNames: ["builder"], edges: [{ from: "builder", to: "final" }, { from: "stagecraft/gcc:12", to: "final" }] }))).toEqual({
      ok: true,
      message: 'stage "builder" exists; the final stage copies from stage "builder" (line 6, --from=builder); the final stage copies from stagecraft/gcc:12 (line 7, --from=stagecraft/gcc:12)',
    });
    expect(judgeEdges(named, spec({ edges: [{ from: "0", to: "test" }] })).ok).toBe(true);
  });

  it("fails a missing stage name and lists the stages there are", () => {
    const verdict = judgeEdges(named, spec({ stageNames: ["runtime"] }));
    expect(verdict).toEqual({
      ok: false,
      message:
        'there is no stage named "runtime" (the stages are "builder", "test", 2 (unnamed)); the COPY --from lines are: line 4, --from=builder into stage "test"; line 6, --from=builder into the final stage; line 7, --from=stagecraft/gcc:12 into the final stage',
    });
  });

  it("fails a missing edge and says which edges exist", () => {
    const verdict = judgeEdges(named, spec({ edges: [{ from: "test", to: "final" }] }));
    expect(verdict.ok).toBe(false);
    expect(verdict.message).toMatch(/^the final stage does not COPY --from stage "test"; the COPY --from lines are: line 4/);
    const none = graph(["FROM stagecraft/busybox:1.35 AS builder", "FROM stagecraft/busybox:1.35"]);
    expect(judgeEdges(none, spec({ edges: [{ from: "builder", to: "final" }] })).message).toBe(
      'the final stage does not COPY --from stage "builder"; the Dockerfile has no COPY --from',
    );
  });

  it("fails an edge into a stage BuildKit skipped", () => {
    const skipped = graph(["FROM stagecraft/busybox:1.35 AS a", "FROM stagecraft/busybox:1.35 AS unused", "COPY --from=a / /", "FROM stagecraft/busybox:1.35"], [1]);
    expect(judgeEdges(skipped, spec({ edges: [{ from: "a", to: "unused" }] })).message).toMatch(
      /^stage "unused" copies from stage "a" \(line 3\), but BuildKit skipped stage "unused": the final image does not use it;/,
    );
  });

  it("with byIndex, fails a copy by name and passes one by number", () => {
    expect(judgeEdges(named, spec({ edges: [{ from: "builder", to: "final" }], byIndex: true })).message).toMatch(
      /^line 6 copies from stage "builder" by name \(--from=builder\); this exercise asks for its number: --from=0;/,
    );
    const numbered = graph(["FROM stagecraft/busybox:1.35 AS builder", "FROM stagecraft/busybox:1.35", "COPY --from=builder /a /a", "COPY --from=0 /b /b"]);
    expect(judgeEdges(numbered, spec({ edges: [{ from: "0", to: "final" }], byIndex: true }))).toEqual({
      ok: true,
      message: 'the final stage copies from stage "builder" (line 4, --from=0)',
    });
  });

  it("with form: name, fails a copy by number and passes one by name, per edge", () => {
    const numbered = graph(["FROM stagecraft/busybox:1.35 AS assets", "FROM stagecraft/busybox:1.35", "COPY --from=0 /a /a"]);
    expect(judgeEdges(numbered, spec({ edges: [{ from: "assets", to: "final", form: "name" }] })).message).toMatch(
      /^line 3 copies from stage "assets" by number \(--from=0\); this exercise asks for its name: --from=assets;/,
    );
    const byName = graph(["FROM stagecraft/busybox:1.35 AS assets", "FROM stagecraft/busybox:1.35", "COPY --from=assets /a /a"]);
    expect(judgeEdges(byName, spec({ edges: [{ from: "assets", to: "final", form: "name" }] })).ok).toBe(true);
    // An unnamed stage cannot be copied by name: the message says to name it.
    const unnamed = graph(["FROM stagecraft/busybox:1.35", "FROM stagecraft/busybox:1.35", "COPY --from=0 /a /a"]);
    expect(judgeEdges(unnamed, spec({ edges: [{ from: "0", to: "final", form: "name" }] })).message).toMatch(/asks you to name that stage/);
  });

  it("fails an edge into a stage that does not exist", () => {
    expect(judgeEdges(named, spec({ edges: [{ from: "builder", to: "runtime" }] })).message).toMatch(/^there is no stage "runtime" to copy into/);
  });
});
