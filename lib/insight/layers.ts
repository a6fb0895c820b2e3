/**
 * Layers insight: every history entry of the final image, attributed to the Dockerfile
 * instruction (and line) that wrote it, with the base image's layers set apart by digest.
 *
 * BuildKit writes one history entry per instruction of each stage on the final stage's `FROM`
 * chain (FROM itself writes none), after the base image's own entries. So the learner's entries
 * are the tail of the history, and they line up with the chain's instructions from the end.
 */
import { z } from "zod";

export const AttributedLayer = z.object({
  /** The cleaned `CreatedBy` (see image-report's `cleanInstruction`). */
  instruction: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** No filesystem change (ENV, CMD, …): shown, but without a bar. */
  empty: z.boolean(),
  /** `base` when the layer is the base image's (same digest), `own` when the learner's Dockerfile wrote it. */
  origin: z.enum(["base", "own"]),
  /** 1-based first and last line of the instruction that wrote it; null when it is the base's or unmatched. */
  line: z.number().int().positive().nullable(),
  endLine: z.number().int().positive().nullable(),
  /** The stage that instruction is in (`AS` name, else `stage <n>`); null with `line`. */
  stage: z.string().nullable(),
});
export type AttributedLayer = z.infer<typeof AttributedLayer>;

export const LayersInsight = z.object({
  /** Oldest first, as a Dockerfile reads. */
  layers: z.array(AttributedLayer),
  /** The image the final stage starts from; null for scratch or when unknown. */
  baseImage: z.string().nullable(),
  /** False when the base image's layers could not be compared by digest (nothing is marked base). */
  baseCompared: z.boolean(),
});
export type LayersInsight = z.infer<typeof LayersInsight>;

/** One instruction of the final stage's chain, as the learner wrote it (see chain.ts). */
export type ChainInstruction = { keyword: string; line: number; endLine: number; stage: string };

/** One history entry, oldest first, with its instruction already cleaned. */
export type HistoryItem = { instruction: string; sizeBytes: number; empty: boolean };

export type AttributionInput = {
  history: HistoryItem[];
  instructions: ChainInstruction[];
  /** The final image's layer digests (`RootFS.Layers`), oldest first. */
  diffIds: readonly string[];
  /** The base image's digests and history length; null when the base is unknown or scratch. */
  base: { diffIds: readonly string[]; historyLength: number } | null;
};

/**
 * Which entries are the base's: the first `historyLength` entries, provided the final image's
 * digests start with every one of the base's (the learner's layers sit on the base's unchanged).
 * Then the remaining entries are matched to instructions from the end, by keyword.
 */
export function attributeLayers(input: AttributionInput): { layers: AttributedLayer[]; baseCompared: boolean } {
  const { history, instructions, diffIds, base } = input;
  const baseCompared = base !== null && base.diffIds.length <= diffIds.length && base.diffIds.every((d, i) => diffIds[i] === d);
  const baseCount = baseCompared ? Math.min(base.historyLength, history.length) : 0;
  const match = new Map<number, ChainInstruction>();
  let ins = instructions.length - 1;
  for (let h = history.length - 1; h >= baseCount && ins >= 0; h -= 1) {
    const keyword = keywordOf(history[h]!.instruction);
    // Skip instructions that wrote nothing the history shows, until the keywords agree again.
    let probe = ins;
    while (probe >= 0 && instructions[probe]!.keyword !== keyword) probe -= 1;
    if (probe < 0) continue; // an entry no instruction explains (ONBUILD trigger): left unattributed
    match.set(h, instructions[probe]!);
    ins = probe - 1;
  }
  const layers = history.map((entry, index): AttributedLayer => {
    const source = match.get(index);
    return {
      instruction: entry.instruction,
      sizeBytes: entry.sizeBytes,
      empty: entry.empty,
      origin: index < baseCount ? "base" : "own",
      line: source?.line ?? null,
      endLine: source?.endLine ?? null,
      stage: source?.stage ?? null,
    };
  });
  return { layers, baseCompared };
}

function keywordOf(instruction: string): string {
  return (/^[A-Za-z]+/.exec(instruction)?.[0] ?? "").toUpperCase();
}

/**
 * History entries that added a layer, in layer order, as indices into `history`: what a layer
 * tar's position in `RootFS.Layers` corresponds to. Uses the config's `empty_layer` flags.
 */
export function layerHistoryIndices(emptyFlags: readonly boolean[]): number[] {
  return emptyFlags.flatMap((empty, index) => (empty ? [] : [index]));
}
