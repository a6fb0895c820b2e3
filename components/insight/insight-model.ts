/**
 * What the insight views compute from the stored insight before drawing: bar widths, the base
 * image folded into one row, how a layer is named in a sentence. Pure, so it is tested without
 * a browser.
 */
import type { AttributedLayer, BuildInsight, FileCategory, GroupDiff } from "@/lib/insight/index";

export type LayersData = Extract<BuildInsight["layers"], { available: true }>;
export type WasteData = Extract<BuildInsight["waste"], { available: true }>;
export type ComparisonData = Extract<BuildInsight["comparison"], { available: true }>;

/** A bar's width in percent of the biggest; a non-zero size never draws as nothing. */
export function barPercent(bytes: number, max: number): number {
  if (bytes <= 0 || max <= 0) return 0;
  return Math.max(1.5, Math.min(100, (bytes / max) * 100));
}

export type LayerRow = { kind: "base"; count: number; sizeBytes: number } | { kind: "own"; index: number; layer: AttributedLayer };

/** The base image's entries as one row (they are not the learner's work), then the learner's own. */
export function layerRows(layers: AttributedLayer[]): LayerRow[] {
  const base = layers.filter((l) => l.origin === "base");
  const rows: LayerRow[] = base.length > 0 ? [{ kind: "base", count: base.length, sizeBytes: sum(base.map((l) => l.sizeBytes)) }] : [];
  layers.forEach((layer, index) => {
    if (layer.origin === "own") rows.push({ kind: "own", index, layer });
  });
  return rows;
}

export function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

/** "line 4" or "lines 4–6"; null when the layer has no line. */
export function lineLabel(layer: Pick<AttributedLayer, "line" | "endLine"> | undefined): string | null {
  if (!layer?.line) return null;
  return layer.endLine && layer.endLine > layer.line ? `lines ${layer.line}–${layer.endLine}` : `line ${layer.line}`;
}

/** Share of written bytes that reach the final filesystem (dive's efficiency), 0–100. */
export function efficiencyPercent(waste: Pick<WasteData, "reclaimableBytes" | "writtenBytes">): number {
  if (waste.writtenBytes <= 0) return 100;
  return Math.round((1 - waste.reclaimableBytes / waste.writtenBytes) * 1000) / 10;
}

/** Diff rows split by direction: what the learner's image has more of, and what it has less of. */
export function splitDiff(diff: GroupDiff[]): { more: GroupDiff[]; less: GroupDiff[] } {
  return { more: diff.filter((d) => d.mineBytes > d.otherBytes), less: diff.filter((d) => d.mineBytes < d.otherBytes) };
}

/** Categories in drawing order: what a learner should drop first leads. */
export const CATEGORY_ORDER: FileCategory[] = ["toolchain", "package-cache", "sources", "docs", "system", "app"];
