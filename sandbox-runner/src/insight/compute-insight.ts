/**
 * Build insight for one graded run, read from the engine while the run's image still exists:
 * layers attributed to Dockerfile lines, waste, and a comparison with the exercise's starter and
 * solution. Every view is computed on its own; one that fails or runs out of time becomes a note
 * ("not available this run") and the others still show. Nothing here can change a grade.
 */
import { createHash } from "node:crypto";
import type Docker from "dockerode";
import { analyzeDockerfile, type DockerfileModel } from "../../../lib/dockerfile/index";
import { chainInstructions } from "../../../lib/insight/chain";
import {
  attributeLayers,
  createGrouper,
  diffGroups,
  layerHistoryIndices,
  replayLayers,
  type BuildInsight,
  type ImageSummary,
  type InsightSection,
  type ReplayLayer,
} from "../../../lib/insight/index";
import type { Exercise } from "../../../lib/lessons/schema";
import type { VariantBuilder } from "../checks/types";
import { engineMessage } from "../container-run";
import { cleanInstruction, finalBaseImage, type HistoryEntry } from "../image-report";
import { SANDBOX_LIMITS } from "../limits";
import { readImageLayers, type ImageLayers } from "./image-tar";
import type { SummaryMemo } from "./summary-memo";

export type InsightRequest = {
  imageRef: string;
  dockerfile: string;
  model: DockerfileModel;
  exercise: Exercise;
  /** Builds the starter and solution when no summary of them is remembered. */
  variants: VariantBuilder;
  signal: AbortSignal;
};

/** The insight bounds; tests pass smaller ones. */
export type InsightLimits = { [K in keyof typeof SANDBOX_LIMITS.insight]: number };

export async function computeInsight(
  docker: Docker,
  req: InsightRequest,
  memo: SummaryMemo,
  limits: InsightLimits = SANDBOX_LIMITS.insight,
): Promise<BuildInsight> {
  const started = Date.now();
  const deadline = started + limits.totalTimeoutMs;
  // The learner's image gets `readTimeoutMs`; a starter or solution, read once per exercise and
  // remembered, may use what is left of the whole budget.
  const read = (ref: string, until = Math.min(Date.now() + limits.readTimeoutMs, deadline)) =>
    readImageLayers(docker, ref, { signal: req.signal, deadline: until, maxEntries: limits.maxEntries });

  const image = docker.getImage(req.imageRef);
  const [info, history] = await Promise.all([image.inspect(), image.history() as Promise<HistoryEntry[]>]);
  const diffIds = info.RootFS?.Layers ?? [];
  const tar = await attempt(() => read(req.imageRef));
  const oldestFirst = [...history].reverse();
  const emptyFlags = emptyFlagsOf(oldestFirst, tar.ok ? tar.value : null, diffIds.length);

  const layers = await section(() => layersOf(docker, req, oldestFirst, emptyFlags, diffIds));
  let mine: ImageSummary | null = null;
  let waste: InsightSection<"waste">;
  if (!tar.ok) {
    waste = unavailable(`Not available this run: the image's layers could not be read (${tar.reason}).`);
  } else if (tar.value.layers.size === 0) {
    waste = unavailable(`Not available this run: reading the image's layers ${tar.value.cutReason ?? "found none"}.`);
  } else {
    const historyIndices = layerHistoryIndices(emptyFlags);
    const replay = replayLayers(orderedLayers(tar.value, diffIds, historyIndices));
    const cut = tar.value.complete ? {} : { note: `Only part of the image was read: ${tar.value.cutReason}. The figures cover what was read.` };
    waste = { available: true, ...replay.waste, complete: tar.value.complete, ...cut };
    if (tar.value.complete) {
      const ownFrom = historyIndices[await baseLayerCount(docker, req.dockerfile, diffIds)] ?? Infinity;
      mine = summarize(replay.live, info.Size, diffIds.length, ownFrom);
    }
  }
  const comparison = await section(() => compare(docker, read, req, memo, mine, deadline));
  return { layers, waste, comparison, addedMs: Date.now() - started };
}

async function layersOf(
  docker: Docker,
  req: InsightRequest,
  history: HistoryEntry[],
  emptyFlags: boolean[],
  diffIds: string[],
): Promise<InsightSection<"layers">> {
  const baseImage = finalBaseImage(req.model);
  const base = baseImage ? await baseFacts(docker, baseImage) : null;
  const { layers, baseCompared } = attributeLayers({
    history: history.map((h, i) => ({ instruction: cleanInstruction(h.CreatedBy, h.Comment), sizeBytes: Math.max(0, h.Size), empty: emptyFlags[i] ?? h.Size === 0 })),
    instructions: chainInstructions(req.dockerfile),
    diffIds,
    base,
  });
  return { available: true, layers, baseImage, baseCompared };
}

async function baseFacts(docker: Docker, ref: string): Promise<{ diffIds: string[]; historyLength: number } | null> {
  try {
    const image = docker.getImage(ref);
    const [info, history] = await Promise.all([image.inspect(), image.history() as Promise<HistoryEntry[]>]);
    return { diffIds: info.RootFS?.Layers ?? [], historyLength: history.length };
  } catch {
    return null; // `FROM ${ARG}` or a base gone from the engine: nothing is marked as base
  }
}

/**
 * The config's `empty_layer` flags when the read found the config; else a guess the history API
 * allows: a zero-byte entry added no layer, checked against the number of layers.
 */
function emptyFlagsOf(history: HistoryEntry[], tar: ImageLayers | null, layerCount: number): boolean[] {
  const fromConfig = tar?.config?.history.map((h) => h.empty_layer === true);
  if (fromConfig && fromConfig.length === history.length && fromConfig.filter((e) => !e).length === layerCount) return fromConfig;
  return history.map((h) => h.Size === 0);
}

/** The layers read, in `RootFS.Layers` order, each tagged with its history entry. */
function orderedLayers(tar: ImageLayers, diffIds: string[], historyIndices: number[]): ReplayLayer[] {
  return diffIds.flatMap((id, i) => {
    const entries = tar.layers.get(id);
    return entries ? [{ historyIndex: historyIndices[i] ?? i, entries }] : [];
  });
}

/** @param ownFrom the first history index (replay index) the image's own instructions wrote */
function summarize(live: ReturnType<typeof replayLayers>["live"], sizeBytes: number, layerCount: number, ownFrom: number): ImageSummary {
  const grouper = createGrouper();
  for (const [path, file] of live) grouper.add({ path, type: file.type, size: file.size }, file.historyIndex >= ownFrom);
  return grouper.summary(sizeBytes, layerCount);
}

/** How many of the image's first layers are its base image's, by digest (0 when unknown). */
async function baseLayerCount(docker: Docker, dockerfile: string, diffIds: string[]): Promise<number> {
  const base = finalBaseImage(analyzeDockerfile(dockerfile));
  const facts = base ? await baseFacts(docker, base) : null;
  return facts && facts.diffIds.every((d, i) => diffIds[i] === d) ? facts.diffIds.length : 0;
}

async function compare(
  docker: Docker,
  read: (ref: string, until?: number) => Promise<ImageLayers>,
  req: InsightRequest,
  memo: SummaryMemo,
  mine: ImageSummary | null,
  deadline: number,
): Promise<InsightSection<"comparison">> {
  if (!mine) return unavailable("Not available this run: your image could not be read in full.");
  const side = async (what: string, dockerfile: string) => {
    const key = createHash("sha256").update(`${req.exercise.id}\0${dockerfile}`).digest("hex");
    if (dockerfile === req.dockerfile) {
      // The learner's Dockerfile is this very text: their image is the one to compare with.
      memo.set(key, mine);
      return { available: true as const, summary: mine, diff: [] };
    }
    const remembered = memo.get(key);
    if (remembered) return { available: true as const, summary: remembered, diff: diffGroups(mine, remembered) };
    if (Date.now() >= deadline) return unavailable(`Not available this run: no time was left to build the ${what}.`);
    const build = await req.variants.build({ label: `the exercise's ${what}`, dockerfile, fresh: true });
    if (!build.ok || !build.imageRef) return unavailable(`Not available this run: the ${what} did not build (${build.message}).`);
    const tar = await read(build.imageRef, deadline);
    if (!tar.complete) return unavailable(`Not available this run: reading the ${what} ${tar.cutReason ?? "was cut"}.`);
    const info = await docker.getImage(build.imageRef).inspect();
    const diffIds = info.RootFS?.Layers ?? [];
    const own = await baseLayerCount(docker, dockerfile, diffIds);
    const summary = summarize(replayLayers(orderedLayers(tar, diffIds, diffIds.map((_, i) => i))).live, info.Size, diffIds.length, own);
    memo.set(key, summary);
    return { available: true as const, summary, diff: diffGroups(mine, summary) };
  };
  // The solution first: usually small, and the comparison a learner most wants; a monolith
  // starter may take the rest of the budget.
  const solution = await side("reference solution", req.exercise.solution);
  const starter = await side("starter", req.exercise.starter);
  return { available: true, mine, starter, solution };
}

/** Runs one view; an engine or runner error becomes that view's note. */
async function section<T extends { available: true }>(work: () => Promise<T | Unavailable>): Promise<T | Unavailable> {
  const result = await attempt(work);
  return result.ok ? result.value : unavailable(`Not available this run: ${result.reason}.`);
}

type Unavailable = { available: false; reason: string };

function unavailable(reason: string): Unavailable {
  return { available: false, reason };
}

async function attempt<T>(work: () => Promise<T>): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    return { ok: false, reason: engineMessage(err) };
  }
}
