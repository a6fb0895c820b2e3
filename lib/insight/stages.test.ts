import { describe, expect, it } from "vitest";
import type { ImageReport, StageInfo } from "../report";
import { keptBytesByStage } from "./kept-bytes";
import { discardedBytes, layoutStageGraph, stageGraph, type StageNode } from "./stages";

const stage = (index: number, name: string | null, base: string, copiesFrom: string[] = [], built = true): StageInfo => ({
  index,
  name,
  base,
  copiesFrom,
  built,
});

const report = (stages: StageInfo[], extra: Partial<ImageReport> = {}) => ({ stages, sizeBytes: 5_000, ...extra });

describe("stageGraph", () => {
  it("makes stages and external images nodes, FROM and COPY --from edges", () => {
    const g = stageGraph(
      report([
        stage(0, "deps", "stagecraft/node:18"),
        stage(1, "build", "deps"),
        stage(2, "unused", "stagecraft/busybox:1.35", [], false),
        stage(3, null, "stagecraft/node:18-slim", ["build", "0", "stagecraft/busybox:1.35"]),
      ]),
    );
    expect(g.nodes.map((n) => n.id)).toEqual([
      "image:stagecraft/node:18",
      "stage:0",
      "stage:1",
      "image:stagecraft/busybox:1.35",
      "stage:2",
      "image:stagecraft/node:18-slim",
      "stage:3",
    ]);
    expect(g.edges).toEqual([
      { from: "image:stagecraft/node:18", to: "stage:0", kind: "from" },
      { from: "stage:0", to: "stage:1", kind: "from" },
      { from: "image:stagecraft/busybox:1.35", to: "stage:2", kind: "from" },
      { from: "image:stagecraft/node:18-slim", to: "stage:3", kind: "from" },
      { from: "stage:1", to: "stage:3", kind: "copy" },
      { from: "stage:0", to: "stage:3", kind: "copy" },
      { from: "image:stagecraft/busybox:1.35", to: "stage:3", kind: "copy" },
    ]);
    const final = g.nodes.at(-1) as StageNode;
    expect(final).toMatchObject({ label: "stage 3", final: true, sizeBytes: 5_000 });
    expect(g.nodes.find((n) => n.id === "stage:2")).toMatchObject({ built: false, label: "unused" });
  });

  it("resolves names case-insensitively, only to earlier stages, and dedupes repeated copies", () => {
    const g = stageGraph(report([stage(0, "builder", "scratch"), stage(1, null, "BUILDER", ["Builder", "builder", "later"]), stage(2, "later", "scratch")]));
    expect(g.edges.filter((e) => e.to === "stage:1")).toEqual([
      { from: "stage:0", to: "stage:1", kind: "from" },
      { from: "stage:0", to: "stage:1", kind: "copy" },
      // `later` comes after stage 1: BuildKit would look for an image of that name.
      { from: "image:later", to: "stage:1", kind: "copy" },
    ]);
  });

  it("carries weights, kept bytes and the note; discarded = weight − kept", () => {
    const g = stageGraph(
      report([stage(0, "build", "stagecraft/golang:1.19"), stage(1, "skipped", "scratch", [], false), stage(2, null, "scratch", ["build"])], {
        stageWeights: { weights: [{ index: 0, sizeBytes: 900_000 }], keptBytes: { "0": 2_000 }, note: "Some note." },
      }),
    );
    const [build, skipped] = g.nodes.filter((n): n is StageNode => n.kind === "stage");
    expect(build).toMatchObject({ sizeBytes: 900_000, keptBytes: 2_000 });
    expect(discardedBytes(build!)).toBe(898_000);
    expect(skipped).toMatchObject({ sizeBytes: null, keptBytes: null });
    expect(discardedBytes(skipped!)).toBeNull();
    expect(g.note).toBe("Some note.");
  });

  it("leaves weights unknown when the report has none (older runs)", () => {
    const g = stageGraph(report([stage(0, "build", "scratch"), stage(1, null, "scratch", ["build"])]));
    expect(g.nodes.find((n) => n.id === "stage:0")).toMatchObject({ sizeBytes: null, keptBytes: null });
  });
});

describe("layoutStageGraph", () => {
  const g = stageGraph(
    report([
      stage(0, "build", "stagecraft/golang:1.19"),
      stage(1, "assets", "stagecraft/busybox:1.35"),
      stage(2, null, "stagecraft/distroless-static:nonroot", ["build", "assets"]),
    ]),
  );

  it("puts every edge's target in a later layer, images just before their first user", () => {
    const layout = layoutStageGraph(g);
    const layer = new Map(layout.nodes.map((n) => [n.id, n.layer]));
    for (const e of layout.edges) expect(layer.get(e.to)!).toBeGreaterThan(layer.get(e.from)!);
    expect(layer.get("image:stagecraft/golang:1.19")).toBe(0);
    expect(layer.get("stage:0")).toBe(1);
    // The runtime base sits next to the final stage, not in the first column.
    expect(layer.get("image:stagecraft/distroless-static:nonroot")).toBe(1);
    expect(layer.get("stage:2")).toBe(2);
  });

  it("never overlaps nodes and fits them in the reported size, in both directions", () => {
    for (const direction of ["lr", "tb"] as const) {
      const layout = layoutStageGraph(g, { direction });
      for (const a of layout.nodes) {
        expect(a.x).toBeGreaterThanOrEqual(0);
        expect(a.y).toBeGreaterThanOrEqual(0);
        expect(a.x + a.width).toBeLessThanOrEqual(layout.width + 0.001);
        expect(a.y + a.height).toBeLessThanOrEqual(layout.height + 0.001);
        for (const b of layout.nodes) {
          if (a === b) continue;
          const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
          expect(apart, `${a.id} overlaps ${b.id} (${direction})`).toBe(true);
        }
      }
      expect(layout.edges).toHaveLength(g.edges.length);
      for (const e of layout.edges) expect(e.path).toMatch(/^M[\d.]+,[\d.]+ C/);
    }
  });

  it("lays left to right along x and top to bottom along y", () => {
    const lr = layoutStageGraph(g, { direction: "lr" });
    const tb = layoutStageGraph(g, { direction: "tb" });
    const final = (l: typeof lr) => l.nodes.find((n) => n.id === "stage:2")!;
    const first = (l: typeof lr) => l.nodes.find((n) => n.id === "stage:0")!;
    expect(final(lr).x).toBeGreaterThan(first(lr).x);
    expect(final(lr).y).toBeLessThan(lr.height);
    expect(final(tb).y).toBeGreaterThan(first(tb).y);
    // A chain stays one node wide across its direction.
    const chain = stageGraph(report([stage(0, "a", "scratch"), stage(1, "b", "a"), stage(2, null, "b")]));
    expect(layoutStageGraph(chain, { direction: "tb" }).width).toBe(184);
    expect(layoutStageGraph(chain, { direction: "lr" }).height).toBe(92);
  });

  it("handles an empty graph and a lone stage", () => {
    expect(layoutStageGraph({ nodes: [], edges: [] })).toMatchObject({ nodes: [], edges: [], width: 0, height: 0 });
    const lone = layoutStageGraph(stageGraph(report([stage(0, null, "scratch")])));
    expect(lone.nodes.map((n) => [n.id, n.layer])).toEqual([
      ["image:scratch", 0],
      ["stage:0", 1],
    ]);
  });
});

describe("keptBytesByStage", () => {
  const layer = (instruction: string, sizeBytes: number, fromBase = false) => ({ instruction, sizeBytes, fromBase, empty: sizeBytes === 0 });

  it("matches the final stage's COPY/ADD instructions to its layers in order", () => {
    const text = [
      "FROM stagecraft/golang:1.19 AS build",
      "RUN go build -o /out/app .",
      "FROM stagecraft/busybox:1.35 AS assets",
      "RUN mkdir /a",
      "FROM stagecraft/busybox:1.35",
      "COPY cfg.json /etc/",
      "COPY --chown=65532 \\",
      "     --from=build /out/app /app",
      "# a comment between",
      'COPY --from="1" ["/a", "/a"]',
      "COPY --from=stagecraft/busybox:1.35 /bin/busybox /bb",
      "COPY --from=build /out/app /app2",
      "USER 65532",
    ].join("\n");
    const layers = [
      layer("ADD file:abc in /", 1_000_000, true),
      layer("COPY cfg.json /etc/", 10),
      layer("COPY /out/app /app", 300),
      layer("COPY /a /a", 40),
      layer("COPY /bin/busybox /bb", 900),
      layer("COPY /out/app /app2", 300),
      layer("USER 65532", 0),
    ];
    expect(keptBytesByStage(text, layers)).toEqual({ keptBytes: { "0": 600, "1": 40 }, wholeStages: [] });
  });

  it("follows FROM <stage>: its copies count, and the stage itself reached the image whole", () => {
    const text = "FROM stagecraft/busybox:1.35 AS tool\nFROM stagecraft/busybox:1.35 AS base\nCOPY --from=tool /x /x\nFROM base AS mid\nFROM mid\nCOPY a /a\n";
    const got = keptBytesByStage(text, [layer("COPY /x /x", 5), layer("COPY a /a", 7)]);
    expect(got).toEqual({ keptBytes: { "0": 5 }, wholeStages: [1, 2] });
  });

  it("returns nothing for text it cannot parse into stages", () => {
    expect(keptBytesByStage("", [])).toEqual({ keptBytes: {}, wholeStages: [] });
  });
});
