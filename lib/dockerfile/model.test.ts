import { describe, expect, it } from "vitest";
import { df } from "./test-fixtures";
import { analyzeDockerfile } from "./index";

describe("analyzeDockerfile", () => {
  it("models a multi-stage build: index, lower-cased name, base as written, 1-based lines, COPY --from edges", () => {
    const model = analyzeDockerfile(
      df(
        "ARG GO=stagecraft/golang:1.19", // 1
        "FROM $GO AS Builder", // 2
        "RUN go build -o /out/app .", // 3
        "FROM builder AS test", // 4
        "RUN go test ./...", // 5
        "", // 6
        "FROM stagecraft/busybox:1.35", // 7
        "COPY --chown=65532:65532 --from=Builder /out/app /app", // 8
        "COPY --from=0 /etc/passwd /etc/passwd", // 9
        "COPY --from=stagecraft/gcc:12 /usr/bin/make /make", // 10
      ),
    );
    expect(model).toEqual({
      stages: [
        { index: 0, name: "builder", base: "$GO", fromLine: 2, copyFrom: [] },
        { index: 1, name: "test", base: "builder", fromLine: 4, copyFrom: [] },
        {
          index: 2,
          name: null,
          base: "stagecraft/busybox:1.35",
          fromLine: 7,
          copyFrom: [
            { source: "Builder", line: 8 },
            { source: "0", line: 9 },
            { source: "stagecraft/gcc:12", line: 10 },
          ],
        },
      ],
    });
  });

  it("reads --from even when COPY has several flags (getFromFlag() would return null)", () => {
    const model = analyzeDockerfile(df("FROM a AS x", "FROM b", "COPY --link --chmod=755 --from=x /a /b"));
    expect(model.stages[1]?.copyFrom).toEqual([{ source: "x", line: 3 }]);
  });

  it("follows instructions continued over several lines", () => {
    const model = analyzeDockerfile(df("FROM stagecraft/gcc:12 \\", "  AS build", "FROM scratch", "COPY \\", "  --from=build /a /b"));
    expect(model.stages.map((s) => [s.name, s.fromLine])).toEqual([
      ["build", 1],
      [null, 3],
    ]);
    expect(model.stages[1]?.copyFrom).toEqual([{ source: "build", line: 4 }]);
  });

  it("returns no stages for text without FROM, including empty text", () => {
    expect(analyzeDockerfile("")).toEqual({ stages: [] });
    expect(analyzeDockerfile("RUN echo hi\n")).toEqual({ stages: [] });
  });

  it("keeps a FROM without an image as a stage with an empty base", () => {
    expect(analyzeDockerfile("FROM\n").stages).toEqual([{ index: 0, name: null, base: "", fromLine: 1, copyFrom: [] }]);
  });

  it("analyses a 64 KiB Dockerfile quickly", () => {
    let text = "";
    for (let i = 0; text.length < 64 * 1024; i++) text += `FROM stagecraft/busybox:1.35 AS s${i}\nCOPY --from=s${Math.max(0, i - 1)} /a /b\nRUN echo step ${i}\n`;
    analyzeDockerfile(text); // warm up: the first run pays for JIT compilation
    const started = performance.now();
    const model = analyzeDockerfile(text);
    const ms = performance.now() - started;
    console.log(`analyzeDockerfile: ${text.length} chars, ${model.stages.length} stages in ${ms.toFixed(1)} ms`);
    expect(model.stages.length).toBeGreaterThan(500);
    expect(ms).toBeLessThan(1000); // loose: the target is well under 100 ms, CI machines vary
  });
});
