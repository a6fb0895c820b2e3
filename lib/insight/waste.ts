/**
 * Waste insight (what dive calls efficiency): bytes a layer wrote that a later layer removed (a
 * whiteout) or overwrote. The image still ships them: layers only add, so "deleting" a file in a
 * later RUN hides it and makes the image no smaller. Pure accounting over the layers' tar headers.
 */
import { z } from "zod";

export const WasteOffender = z.object({
  /** The path removed (a whole directory when a whiteout removed one) or overwritten. */
  path: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** Files under `path` that count (1 for one file). */
  files: z.number().int().positive(),
  how: z.enum(["removed", "overwritten"]),
  /** Indices into the layers insight's `layers` (history order) of the writer and the remover. */
  writtenBy: z.number().int().nonnegative(),
  removedBy: z.number().int().nonnegative(),
});
export type WasteOffender = z.infer<typeof WasteOffender>;

export const WasteInsight = z.object({
  /** Bytes of file versions that no longer show in the final filesystem. */
  reclaimableBytes: z.number().int().nonnegative(),
  /** Bytes of every file version in every layer (the denominator of efficiency). */
  writtenBytes: z.number().int().nonnegative(),
  /** The largest offenders, biggest first (`WASTE_TOP` at most). */
  offenders: z.array(WasteOffender),
  /** How many offenders there were in all (the list is cut at `WASTE_TOP`). */
  offenderCount: z.number().int().nonnegative(),
  /** False when the read was cut (time or entry bound); `note` says how far it got. */
  complete: z.boolean(),
  note: z.string().optional(),
});
export type WasteInsight = z.infer<typeof WasteInsight>;

export const WASTE_TOP = 12;

/** One tar header of a layer; `path` absolute, no trailing slash. */
export type LayerEntry = { path: string; type: "file" | "directory" | "other"; size: number };

/** A layer's entries plus where it sits in the history (the index offenders refer to). */
export type ReplayLayer = { historyIndex: number; entries: readonly LayerEntry[] };

/** What a file in the merged filesystem is, and which layer put it there. */
export type LiveFile = { size: number; historyIndex: number; type: LayerEntry["type"] };

const OPAQUE = ".wh..wh..opq";
const WHITEOUT = ".wh.";

/**
 * Replays layers oldest first the way the overlay filesystem merges them: `.wh.<name>` hides
 * `<name>` (and all under it) from lower layers, `.wh..wh..opq` hides everything a lower layer put
 * in that directory, and a file written again replaces the lower version.
 *
 * @returns the merged filesystem (`live`) and the waste, offenders grouped by what the learner did:
 * one row per removed path (a whole removed directory is one row) or per overwritten file.
 */
export function replayLayers(layers: readonly ReplayLayer[]): { live: Map<string, LiveFile>; waste: Omit<WasteInsight, "complete" | "note"> } {
  const live = new Map<string, LiveFile>();
  const groups = new Map<string, WasteOffender>();
  let writtenBytes = 0;

  const count = (path: string, old: LiveFile, how: WasteOffender["how"], by: number) => {
    if (old.type !== "file" || old.size === 0) return;
    const key = `${how}\0${path}\0${old.historyIndex}\0${by}`;
    const group = groups.get(key);
    if (group) {
      group.sizeBytes += old.size;
      group.files += 1;
    } else {
      groups.set(key, { path, sizeBytes: old.size, files: 1, how, writtenBy: old.historyIndex, removedBy: by });
    }
  };
  /** Hides `target` (and, when `childrenOnly`, only what is under it) as written before layer `by`. */
  const hide = (target: string, by: number, childrenOnly: boolean) => {
    const exact = live.get(target);
    if (!childrenOnly && exact && exact.type !== "directory") {
      // A file: no need to look for anything under it (whiteouts of single files are common).
      if (exact.historyIndex < by) {
        count(target, exact, "removed", by);
        live.delete(target);
      }
      return;
    }
    const prefix = target === "/" ? "/" : `${target}/`;
    for (const [path, file] of live) {
      if (file.historyIndex >= by) continue; // this layer's own files are not hidden by its whiteouts
      if ((!childrenOnly && path === target) || path.startsWith(prefix)) {
        count(target, file, "removed", by);
        live.delete(path);
      }
    }
  };

  for (const layer of layers) {
    const by = layer.historyIndex;
    for (const entry of layer.entries) {
      const slash = entry.path.lastIndexOf("/");
      const dir = entry.path.slice(0, slash) || "/";
      const name = entry.path.slice(slash + 1);
      if (name === OPAQUE) {
        hide(dir, by, true);
        continue;
      }
      if (name.startsWith(WHITEOUT)) {
        hide(`${dir === "/" ? "" : dir}/${name.slice(WHITEOUT.length)}`, by, false);
        continue;
      }
      if (entry.type === "file") writtenBytes += entry.size;
      const old = live.get(entry.path);
      if (old && old.historyIndex < by) count(entry.path, old, "overwritten", by);
      live.set(entry.path, { size: entry.size, historyIndex: by, type: entry.type });
    }
  }

  const all = [...groups.values()].sort((a, b) => b.sizeBytes - a.sizeBytes || a.path.localeCompare(b.path));
  return {
    live,
    waste: {
      reclaimableBytes: all.reduce((sum, o) => sum + o.sizeBytes, 0),
      writtenBytes,
      offenders: all.slice(0, WASTE_TOP),
      offenderCount: all.length,
    },
  };
}

/** `./usr/bin/` or `usr/bin` → `/usr/bin`. */
export function normalizeTarPath(name: string): string {
  const trimmed = name.replace(/^\.?\/+/, "").replace(/\/+$/, "");
  return trimmed === "" || trimmed === "." ? "/" : `/${trimmed}`;
}
