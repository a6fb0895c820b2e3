import { describe, expect, it } from "vitest";
import { chainInstructions } from "./chain";
import { attributeLayers, layerHistoryIndices, type HistoryItem } from "./layers";

const DOCKERFILE = `FROM stagecraft/golang:1.19 AS build
WORKDIR /src
COPY . .
RUN go build -o /out/app .

FROM stagecraft/debian:bookworm AS base
RUN useradd app

FROM base
COPY --from=build /out/app /usr/local/bin/app
USER app
CMD ["app"]
`;

const entry = (instruction: string, sizeBytes = 0, empty = sizeBytes === 0): HistoryItem => ({ instruction, sizeBytes, empty });

describe("chainInstructions", () => {
  it("follows FROM <stage> back through the chain and skips stages the final image does not build on", () => {
    expect(chainInstructions(DOCKERFILE)).toEqual([
      { keyword: "RUN", line: 7, endLine: 7, stage: "base" },
      { keyword: "COPY", line: 10, endLine: 10, stage: "stage 2" },
      { keyword: "USER", line: 11, endLine: 11, stage: "stage 2" },
      { keyword: "CMD", line: 12, endLine: 12, stage: "stage 2" },
    ]);
  });

  it("gives a continued instruction its first and last line", () => {
    expect(chainInstructions("FROM x\nRUN a \\\n  && b\n")).toEqual([{ keyword: "RUN", line: 2, endLine: 3, stage: "stage 0" }]);
  });
});

describe("attributeLayers", () => {
  const history = [
    entry("(imported filesystem)", 80_000_000, false),
    entry('CMD ["bash"]'),
    entry("RUN useradd app", 4_000),
    entry("COPY /out/app /usr/local/bin/app", 2_000_000),
    entry("USER app"),
    entry('CMD ["app"]'),
  ];
  const base = { diffIds: ["sha256:a"], historyLength: 2 };

  it("sets the base's entries apart when its digests lead the image's, and maps the rest to lines from the end", () => {
    const { layers, baseCompared } = attributeLayers({
      history,
      instructions: chainInstructions(DOCKERFILE),
      diffIds: ["sha256:a", "sha256:b", "sha256:c"],
      base,
    });
    expect(baseCompared).toBe(true);
    expect(layers.map((l) => [l.origin, l.line, l.stage])).toEqual([
      ["base", null, null],
      ["base", null, null],
      ["own", 7, "base"],
      ["own", 10, "stage 2"],
      ["own", 11, "stage 2"],
      ["own", 12, "stage 2"],
    ]);
  });

  it("marks nothing as base when the base's digests are not where the image starts", () => {
    const { layers, baseCompared } = attributeLayers({
      history,
      instructions: chainInstructions(DOCKERFILE),
      diffIds: ["sha256:other", "sha256:b", "sha256:c"],
      base,
    });
    expect(baseCompared).toBe(false);
    expect(layers.every((l) => l.origin === "own")).toBe(true);
    // The tail still lines up with the Dockerfile.
    expect(layers.at(-4)?.line).toBe(7);
  });

  it("leaves an entry no instruction explains unattributed instead of shifting the others", () => {
    const { layers } = attributeLayers({
      history: [entry("RUN onbuild-trigger", 10), entry("RUN useradd app", 4_000), entry('CMD ["app"]')],
      instructions: [
        { keyword: "RUN", line: 2, endLine: 2, stage: "s" },
        { keyword: "CMD", line: 3, endLine: 3, stage: "s" },
      ],
      diffIds: [],
      base: null,
    });
    expect(layers.map((l) => l.line)).toEqual([null, 2, 3]);
  });
});

describe("layerHistoryIndices", () => {
  it("lists the history entries that added a layer, in layer order", () => {
    expect(layerHistoryIndices([false, true, false, true, false])).toEqual([0, 2, 4]);
  });
});
