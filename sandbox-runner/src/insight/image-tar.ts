/**
 * Reads an image's layers from `GET /images/{name}/get` (a tar holding one tar per layer) as a
 * stream: only tar headers are kept, never file contents, so a gigabyte image costs time, not
 * memory. Each layer tar is hashed as it passes: its SHA-256 is the layer's diff ID, which places
 * it in `RootFS.Layers` whatever order the engine wrote the outer tar in (20.10 writes it sorted
 * by directory name, not by layer). The work is bounded by a deadline and an entry count; a cut
 * read says so (`complete: false`) and keeps what it saw.
 */
import { createHash } from "node:crypto";
import { once } from "node:events";
import type Docker from "dockerode";
import { extract, type Header } from "tar-stream";
import type { Readable } from "node:stream";
import { normalizeTarPath, type LayerEntry } from "../../../lib/insight/index";

/** The parts of the image config the insight needs (the history API has no `empty_layer`). */
export type ImageConfig = { history: { created_by?: string; empty_layer?: boolean }[]; rootfs: { diff_ids: string[] } };

export type ImageLayers = {
  /** Headers of each layer read, by diff ID (`sha256:…`). */
  layers: Map<string, LayerEntry[]>;
  config: ImageConfig | null;
  complete: boolean;
  /** Entries seen across all layers. */
  entries: number;
  /** Why the read stopped early, in the learner's words; absent when complete. */
  cutReason?: string;
};

export type TarBounds = {
  /** Stop reading at this `Date.now()`. */
  deadline: number;
  maxEntries: number;
  signal: AbortSignal;
};

/** JSON files in the outer tar are small metadata; a config bigger than this is not one we read. */
const MAX_JSON_BYTES = 4 * 1024 * 1024;

class Cut extends Error {}

export async function readImageLayers(docker: Docker, ref: string, bounds: TarBounds): Promise<ImageLayers> {
  const stream = (await docker.getImage(ref).get()) as NodeJS.ReadableStream & { destroy(): void };
  const result: ImageLayers = { layers: new Map(), config: null, complete: true, entries: 0 };
  const outer = extract();
  stream.pipe(outer);
  try {
    for await (const entry of outer) {
      checkBounds(result, bounds);
      const name = entry.header.name;
      if (/(^|\/)layer\.tar$/.test(name) || /^blobs\/sha256\/[0-9a-f]{64}$/.test(name)) {
        await readLayer(entry as unknown as Readable, result, bounds);
      } else if (name.endsWith(".json") && entry.header.size <= MAX_JSON_BYTES) {
        const config = asConfig(await text(entry));
        if (config) result.config = config;
      } else {
        entry.resume();
      }
    }
  } catch (err) {
    if (!(err instanceof Cut)) throw err;
    if (bounds.signal.aborted) throw new Error("the run was stopped");
    result.complete = false;
    result.cutReason =
      err.message === "entries"
        ? `stopped after ${result.entries.toLocaleString("en")} files (the limit per image)`
        : "stopped when its time ran out";
  } finally {
    stream.unpipe(outer);
    stream.destroy();
    outer.destroy();
  }
  return result;
}

/** Hashes one layer tar and collects its headers; an OCI blob that is not a tar is skipped. */
async function readLayer(entry: Readable, result: ImageLayers, bounds: TarBounds): Promise<void> {
  const hash = createHash("sha256");
  const inner = extract();
  const entries: LayerEntry[] = [];
  entry.on("data", (chunk: Buffer) => hash.update(chunk));
  entry.pipe(inner);
  const ended = once(entry, "end");
  try {
    for await (const file of inner) {
      entries.push(toLayerEntry(file.header));
      file.resume();
      result.entries += 1;
      checkBounds(result, bounds);
    }
  } catch (err) {
    // A layer cut part-way cannot be hashed, so it cannot be placed: it is left out.
    if (err instanceof Cut) throw err;
    // Not a tar (an OCI config or manifest blob): nothing to collect.
    entry.resume();
  }
  await ended;
  result.layers.set(`sha256:${hash.digest("hex")}`, entries);
}

/**
 * Checked per entry: data keeps arriving while the engine streams, so this is the time bound too.
 * An engine that stops sending is the pipeline's phase bound's business.
 */
function checkBounds(result: ImageLayers, bounds: TarBounds): void {
  if (bounds.signal.aborted) throw new Cut("stopped");
  if (result.entries > bounds.maxEntries) throw new Cut("entries");
  if (Date.now() > bounds.deadline) throw new Cut("time");
}

function toLayerEntry(header: Header): LayerEntry {
  const type = header.type === "file" || header.type === "contiguous-file" ? "file" : header.type === "directory" ? "directory" : "other";
  return { path: normalizeTarPath(header.name), type, size: type === "file" ? (header.size ?? 0) : 0 };
}

async function text(stream: AsyncIterable<unknown>): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

function asConfig(json: string): ImageConfig | null {
  try {
    const value = JSON.parse(json) as Partial<ImageConfig>;
    return Array.isArray(value.history) && Array.isArray(value.rootfs?.diff_ids) ? (value as ImageConfig) : null;
  } catch {
    return null;
  }
}
