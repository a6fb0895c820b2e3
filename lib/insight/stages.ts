/**
 * The stage graph of a Dockerfile, as plain data: stages and the external images they start from
 * or copy from as nodes, `FROM <stage|image>` and `COPY --from` as edges, with what each stage
 * weighed and what of it reached the final image. Built from the image report alone (its `stages`
 * and `stageWeights`), so the browser needs no Dockerfile parse to draw it.
 *
 * `layoutStageGraph` places the nodes in layers (left to right, or top to bottom on a phone):
 * a node's layer is one more than the deepest node it depends on, so every edge points forward.
 */
import type { ImageReport, StageInfo } from "../report";

export type StageNode = {
  kind: "stage";
  id: string;
  index: number;
  /** `AS` name, or `stage N` for an unnamed stage. */
  label: string;
  /** True for the last stage: the image the build produced. */
  final: boolean;
  /** False when BuildKit skipped it (nothing the final stage needs comes from it). */
  built: boolean;
  /** The stage's own image size, its base included; null when not weighed. */
  sizeBytes: number | null;
  /** Bytes of it that reached the final image; null when unknown. */
  keptBytes: number | null;
};

export type ImageNode = { kind: "image"; id: string; label: string };

export type GraphNode = StageNode | ImageNode;

export type GraphEdge = { from: string; to: string; kind: "from" | "copy" };

export type StageGraph = { nodes: GraphNode[]; edges: GraphEdge[]; note?: string };

const stageId = (index: number) => `stage:${index}`;
const imageId = (ref: string) => `image:${ref}`;

/** An earlier stage named `ref` (names are case-insensitive, like BuildKit's). */
function stageNamed(stages: readonly StageInfo[], ref: string, before: number): StageInfo | undefined {
  const wanted = ref.toLowerCase();
  return stages.find((s) => s.index < before && s.name !== null && s.name.toLowerCase() === wanted);
}

/** A `COPY --from` value: a stage name, then a stage number; anything else is an image. */
function copySource(stages: readonly StageInfo[], ref: string, at: number): StageInfo | undefined {
  return stageNamed(stages, ref, at) ?? (/^\d+$/.test(ref) ? stages.find((s) => s.index === Number(ref) && s.index !== at) : undefined);
}

export function stageGraph(report: Pick<ImageReport, "stages" | "sizeBytes" | "stageWeights">): StageGraph {
  const { stages, stageWeights } = report;
  const nodes: GraphNode[] = [];
  const edges: GraphEdge[] = [];
  const seen = new Set<string>();
  const addImage = (ref: string) => {
    const id = imageId(ref);
    if (!seen.has(id)) {
      seen.add(id);
      nodes.push({ kind: "image", id, label: ref });
    }
    return id;
  };
  const addEdge = (edge: GraphEdge) => {
    if (!edges.some((e) => e.from === edge.from && e.to === edge.to && e.kind === edge.kind)) edges.push(edge);
  };
  const last = stages.at(-1)?.index;
  for (const stage of stages) {
    const final = stage.index === last;
    // The base first, so nodes read in Dockerfile order: an image, then the stage built on it.
    const parent = stageNamed(stages, stage.base, stage.index);
    const fromId = parent ? stageId(parent.index) : addImage(stage.base || "scratch");
    const weight = stageWeights?.weights.find((w) => w.index === stage.index);
    const kept = stageWeights?.keptBytes[String(stage.index)];
    nodes.push({
      kind: "stage",
      id: stageId(stage.index),
      index: stage.index,
      label: stage.name ?? `stage ${stage.index}`,
      final,
      built: stage.built,
      sizeBytes: final ? report.sizeBytes : (weight?.sizeBytes ?? null),
      keptBytes: final ? report.sizeBytes : stageWeights ? (kept ?? (stage.built ? 0 : null)) : null,
    });
    seen.add(stageId(stage.index));
    addEdge({ from: fromId, to: stageId(stage.index), kind: "from" });
    for (const ref of stage.copiesFrom) {
      const source = copySource(stages, ref, stage.index);
      addEdge({ from: source ? stageId(source.index) : addImage(ref), to: stageId(stage.index), kind: "copy" });
    }
  }
  return { nodes, edges, ...(stageWeights?.note && { note: stageWeights.note }) };
}

/** Bytes a stage weighed that did not reach the final image; null when either side is unknown. */
export function discardedBytes(node: StageNode): number | null {
  if (node.final || node.sizeBytes === null || node.keptBytes === null) return null;
  return Math.max(0, node.sizeBytes - node.keptBytes);
}

// ---------------------------------------------------------------------------------------------
// Layout
// ---------------------------------------------------------------------------------------------

export type Direction = "lr" | "tb";

export type LayoutOptions = {
  direction: Direction;
  nodeWidth: number;
  stageHeight: number;
  imageHeight: number;
  /** Space between layers (along the direction) and between nodes of one layer (across it). */
  layerGap: number;
  nodeGap: number;
};

export type PlacedNode = GraphNode & { x: number; y: number; width: number; height: number; layer: number };
export type PlacedEdge = GraphEdge & { path: string };
export type GraphLayout = { nodes: PlacedNode[]; edges: PlacedEdge[]; width: number; height: number };

export const DEFAULT_LAYOUT: LayoutOptions = {
  direction: "lr",
  nodeWidth: 184,
  stageHeight: 92,
  imageHeight: 36,
  layerGap: 56,
  nodeGap: 18,
};

/**
 * Layers by longest path from the sources; an image sits one layer before the first stage that
 * uses it (so a runtime base sits next to the final stage, not far left with a long edge). Within
 * a layer, nodes are ordered by the mean position of what they depend on (one barycentre pass),
 * ties by Dockerfile order, which keeps the usual builder → final chain on one line.
 */
export function layoutStageGraph(graph: StageGraph, options: Partial<LayoutOptions> = {}): GraphLayout {
  const o = { ...DEFAULT_LAYOUT, ...options };
  const parents = new Map<string, string[]>();
  for (const e of graph.edges) parents.set(e.to, [...(parents.get(e.to) ?? []), e.from]);
  const layer = new Map<string, number>();
  const stages = graph.nodes.filter((n): n is StageNode => n.kind === "stage").sort((a, b) => a.index - b.index);
  // Stages only depend on earlier stages (a later one cannot be referenced), so one pass in order
  // settles them; an out-of-order reference found by lint is simply ignored here.
  for (const s of stages) {
    const deps = (parents.get(s.id) ?? []).filter((p) => p.startsWith("stage:"));
    layer.set(s.id, 1 + Math.max(0, ...deps.map((p) => layer.get(p) ?? 0)));
  }
  for (const n of graph.nodes) {
    if (n.kind !== "image") continue;
    const users = graph.edges.filter((e) => e.from === n.id).map((e) => layer.get(e.to) ?? 1);
    // Stages sit in layer 1 or later, so an image is in layer 0 or later.
    layer.set(n.id, (users.length > 0 ? Math.min(...users) : 1) - 1);
  }

  const byLayer = new Map<number, GraphNode[]>();
  for (const n of graph.nodes) {
    const l = layer.get(n.id) ?? 0;
    byLayer.set(l, [...(byLayer.get(l) ?? []), n]);
  }
  const position = new Map<string, number>();
  const children = new Map<string, string[]>();
  for (const e of graph.edges) children.set(e.from, [...(children.get(e.from) ?? []), e.to]);
  const order = (n: GraphNode) => (n.kind === "stage" ? n.index : firstUser(n.id));
  const firstUser = (id: string) => {
    const users = (children.get(id) ?? []).map((c) => Number(c.slice("stage:".length)));
    return Math.min(...users, Number.MAX_SAFE_INTEGER) - 0.5;
  };
  const layers = [...byLayer.keys()].sort((a, b) => a - b);
  for (const l of layers) {
    const row = byLayer.get(l)!;
    const centre = (n: GraphNode) => {
      const ps = (parents.get(n.id) ?? []).map((p) => position.get(p)).filter((p): p is number => p !== undefined);
      return ps.length > 0 ? ps.reduce((a, b) => a + b, 0) / ps.length : order(n);
    };
    row.sort((a, b) => centre(a) - centre(b) || order(a) - order(b));
    row.forEach((n, i) => position.set(n.id, i));
  }

  // Coordinates: along = the layer axis, across = the order within a layer; each layer is centred.
  const heightOf = (n: GraphNode) => (n.kind === "stage" ? o.stageHeight : o.imageHeight);
  const alongSize = (n: GraphNode) => (o.direction === "lr" ? o.nodeWidth : heightOf(n));
  const acrossSize = (n: GraphNode) => (o.direction === "lr" ? heightOf(n) : o.nodeWidth);
  const layerExtent = layers.map((l) => Math.max(...byLayer.get(l)!.map(alongSize)));
  const layerSpan = layers.map((l) => {
    const row = byLayer.get(l)!;
    return row.reduce((sum, n) => sum + acrossSize(n), 0) + o.nodeGap * (row.length - 1);
  });
  const across = Math.max(...layerSpan, 0);
  const placed = new Map<string, PlacedNode>();
  let along = 0;
  layers.forEach((l, li) => {
    let offset = (across - layerSpan[li]!) / 2;
    for (const n of byLayer.get(l)!) {
      const a = along + (layerExtent[li]! - alongSize(n)) / 2;
      const p =
        o.direction === "lr"
          ? { x: a, y: offset, width: o.nodeWidth, height: heightOf(n) }
          : { x: offset, y: a, width: o.nodeWidth, height: heightOf(n) };
      placed.set(n.id, { ...n, ...p, layer: l });
      offset += acrossSize(n) + o.nodeGap;
    }
    along += layerExtent[li]! + o.layerGap;
  });
  const totalAlong = Math.max(0, along - o.layerGap);
  const edges = graph.edges.flatMap((e): PlacedEdge[] => {
    const a = placed.get(e.from);
    const b = placed.get(e.to);
    return a && b ? [{ ...e, path: edgePath(a, b, o.direction) }] : [];
  });
  return {
    nodes: graph.nodes.map((n) => placed.get(n.id)!),
    edges,
    width: o.direction === "lr" ? totalAlong : across,
    height: o.direction === "lr" ? across : totalAlong,
  };
}

/** A smooth curve from the source's trailing side to the target's leading side. */
function edgePath(a: PlacedNode, b: PlacedNode, direction: Direction): string {
  const r = (v: number) => Math.round(v * 10) / 10;
  if (direction === "lr") {
    const x1 = a.x + a.width;
    const y1 = a.y + a.height / 2;
    const x2 = b.x;
    const y2 = b.y + b.height / 2;
    const dx = Math.max(24, (x2 - x1) / 2);
    return `M${r(x1)},${r(y1)} C${r(x1 + dx)},${r(y1)} ${r(x2 - dx)},${r(y2)} ${r(x2)},${r(y2)}`;
  }
  const x1 = a.x + a.width / 2;
  const y1 = a.y + a.height;
  const x2 = b.x + b.width / 2;
  const y2 = b.y;
  const dy = Math.max(18, (y2 - y1) / 2);
  return `M${r(x1)},${r(y1)} C${r(x1)},${r(y1 + dy)} ${r(x2)},${r(y2 - dy)} ${r(x2)},${r(y2)}`;
}
