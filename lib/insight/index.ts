/**
 * Build insight: what a learner's final image is made of (layers), what it carries for nothing
 * (waste) and how it stands against the exercise's starter and solution (comparison). Computed
 * after grading and stored with the image report (`ImageReport.insight`, optional so older rows
 * still parse); each view is either there or says why it is not, never fails the run.
 */
import { z } from "zod";
import { ComparisonInsight } from "./compare";
import { LayersInsight } from "./layers";
import { WasteInsight } from "./waste";

const Unavailable = z.object({ available: z.literal(false), reason: z.string() });

function section<T extends z.ZodRawShape>(schema: z.ZodObject<T>) {
  return z.discriminatedUnion("available", [schema.extend({ available: z.literal(true) }), Unavailable]);
}

export const BuildInsight = z.object({
  layers: section(LayersInsight),
  waste: section(WasteInsight),
  comparison: section(ComparisonInsight),
  /** Wall-clock time the insight added to the run. */
  addedMs: z.number().int().nonnegative(),
});
export type BuildInsight = z.infer<typeof BuildInsight>;
export type InsightSection<K extends "layers" | "waste" | "comparison"> = BuildInsight[K];

export { AttributedLayer, LayersInsight, attributeLayers, layerHistoryIndices } from "./layers";
export type { ChainInstruction, HistoryItem } from "./layers";
export { WasteInsight, WasteOffender, replayLayers, normalizeTarPath, WASTE_TOP } from "./waste";
export type { LayerEntry, LiveFile, ReplayLayer } from "./waste";
export { ComparisonInsight, ImageSummary, FileGroup, GroupDiff, CATEGORY_LABELS, FILE_CATEGORIES, createGrouper, diffGroups } from "./compare";
export type { FileCategory } from "./compare";
