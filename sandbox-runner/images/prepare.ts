/**
 * Makes every catalog image present and current on an engine, idempotently: an image whose
 * recipe-hash label matches its recipe (and which sits on the current parent image) is left alone.
 * Progress goes out as events; `scripts/images-prepare.ts` prints them, tests collect them.
 */
import type Docker from "dockerode";
import { findCatalogImage } from "../../lib/image-catalog";
import { readBuildCaBundle, SYSTEM_CA_BUNDLE } from "./build-ca";
import { buildDockerfileImage } from "./dockerfile-image";
import { tryPullBase, type PullBaseSetting } from "./pull-base";
import { LABELS, orderRecipes, RECIPES, recipeHashes, type Recipe } from "./recipes";
import { buildRootfsImage, DEFAULT_DEBIAN_MIRROR, rootfsPrerequisiteProblem, type StepReporter } from "./rootfs-image";

export type ImageOutcome = {
  ref: string;
  status: "built" | "up-to-date" | "failed" | "blocked";
  /** Why it was (or was not) built: "missing", "recipe changed", "forced", … */
  reason: string;
  /** How the present image was made: debootstrap, pull or dockerfile (from its label). */
  source: string | null;
  ms: number;
  bytes: number | null;
  imageId: string | null;
  error?: string;
  /** The last lines of build output, for a failure message. */
  outputTail?: string[];
};

export type PrepareEvent =
  | { type: "image-start"; ref: string; action: "build" | "skip"; reason: string }
  | { type: "step"; ref: string; text: string }
  | { type: "output"; ref: string; text: string }
  | { type: "image-end"; outcome: ImageOutcome };

export type PrepareOptions = {
  docker: Docker;
  /** @default RECIPES (the catalog); tests pass their own. */
  recipes?: readonly Recipe[];
  /** Prepare only this ref (and the parents it needs). */
  only?: string;
  /** Rebuild even when up to date: every image, or with `only` just that one. @default false */
  force?: boolean;
  /** @default "auto" */
  pullBase?: PullBaseSetting;
  /** @default http://deb.debian.org/debian */
  mirror?: string;
  /**
   * The CA bundle for recipes that download over HTTPS, read only when one is built.
   * @default the host's /etc/ssl/certs/ca-certificates.crt, or none
   */
  buildCaBundle?: () => Promise<Buffer>;
  onEvent?: (event: PrepareEvent) => void;
  signal?: AbortSignal;
};

type Existing = { id: string; labels: Record<string, string>; bytes: number };

async function inspectImage(docker: Docker, ref: string): Promise<Existing | null> {
  try {
    const info = await docker.getImage(ref).inspect();
    return { id: info.Id, labels: info.Config?.Labels ?? {}, bytes: info.Size };
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

/** Null when the existing image can stay, else the reason to build. */
function buildReason(existing: Existing | null, hash: string, parentId: string | null, forced: boolean): string | null {
  if (existing === null) return "missing";
  if (forced) return "forced";
  if (existing.labels[LABELS.recipeHash] !== hash) return "recipe changed";
  if (parentId !== null && existing.labels[LABELS.parentImage] !== parentId) return "parent image changed";
  return null;
}

export async function prepareImages(opts: PrepareOptions): Promise<ImageOutcome[]> {
  const recipes = opts.recipes ?? RECIPES;
  const emit = opts.onEvent ?? (() => {});
  const hashes = await recipeHashes(recipes);
  const outcomes = new Map<string, ImageOutcome>();
  const replaced: string[] = [];

  for (const recipe of orderRecipes(recipes, opts.only)) {
    const parent = recipe.parent === null ? undefined : outcomes.get(recipe.parent)?.status;
    let outcome: ImageOutcome;
    if (opts.signal?.aborted) outcome = blankOutcome(recipe.ref, "blocked", "interrupted");
    else if (parent === "failed" || parent === "blocked") {
      outcome = blankOutcome(recipe.ref, "blocked", `${recipe.parent} is not available`);
    } else {
      const result = await prepareOne(opts, recipe, hashes.get(recipe.ref) ?? "", emit);
      outcome = result.outcome;
      if (result.replacedId !== null) replaced.push(result.replacedId);
    }
    outcomes.set(recipe.ref, outcome);
    emit({ type: "image-end", outcome });
  }
  // Children first, so a replaced base is no longer held by the replaced images built on it.
  for (const id of replaced.reverse()) await removeQuietly(opts.docker, id);
  return [...outcomes.values()];
}

/** Checks one image and builds it if needed; never throws (a failure is an outcome). */
async function prepareOne(
  opts: PrepareOptions,
  recipe: Recipe,
  hash: string,
  emit: (event: PrepareEvent) => void,
): Promise<{ outcome: ImageOutcome; replacedId: string | null }> {
  const started = Date.now();
  const tail: string[] = [];
  const report: StepReporter = {
    step: (text) => emit({ type: "step", ref: recipe.ref, text }),
    output: (text) => {
      tail.push(text);
      if (tail.length > 30) tail.shift();
      emit({ type: "output", ref: recipe.ref, text });
    },
  };
  const finish = (outcome: ImageOutcome, replacedId: string | null = null) => ({
    outcome: { ...outcome, ms: Date.now() - started },
    replacedId,
  });
  try {
    const existing = await inspectImage(opts.docker, recipe.ref);
    const parent = recipe.parent === null ? null : await inspectImage(opts.docker, recipe.parent);
    if (recipe.parent !== null && parent === null) throw new Error(`its parent image ${recipe.parent} is missing`);
    const forced = opts.force === true && (opts.only === undefined || opts.only === recipe.ref);
    const reason = buildReason(existing, hash, parent?.id ?? null, forced);
    emit({ type: "image-start", ref: recipe.ref, action: reason === null ? "skip" : "build", reason: reason ?? "up to date" });
    if (reason === null && existing !== null) {
      const source = existing.labels[LABELS.source] ?? null;
      return finish({ ...blankOutcome(recipe.ref, "up-to-date", "recipe unchanged"), source, bytes: existing.bytes, imageId: existing.id });
    }
    const source = await buildOne({ ...opts, recipe, hash, parentId: parent?.id ?? null, noCache: forced, report });
    const built = await inspectImage(opts.docker, recipe.ref);
    if (built === null) throw new Error(`the build finished but ${recipe.ref} is not in the image store`);
    const replacedId = existing !== null && existing.id !== built.id ? existing.id : null;
    return finish({ ...blankOutcome(recipe.ref, "built", reason ?? ""), source, bytes: built.bytes, imageId: built.id }, replacedId);
  } catch (err) {
    const error = opts.signal?.aborted ? "interrupted" : (err as Error).message;
    return finish({ ...blankOutcome(recipe.ref, "failed", "error"), error, outputTail: [...tail] });
  }
}

function blankOutcome(ref: string, status: ImageOutcome["status"], reason: string): ImageOutcome {
  return { ref, status, reason, source: null, ms: 0, bytes: null, imageId: null };
}

/** Builds one image with its labels; returns how it was made. */
async function buildOne(
  o: PrepareOptions & { recipe: Recipe; hash: string; parentId: string | null; noCache: boolean; report: StepReporter },
): Promise<string> {
  const labels = (source: string): Record<string, string> => ({
    [LABELS.recipeHash]: o.hash,
    [LABELS.standsInFor]: findCatalogImage(o.recipe.ref)?.standsInFor ?? "",
    [LABELS.source]: source,
    ...(o.parentId === null ? {} : { [LABELS.parentImage]: o.parentId }),
  });
  const common = { docker: o.docker, recipe: o.recipe, report: o.report, signal: o.signal };
  if (o.recipe.kind === "dockerfile") {
    const readCa = o.buildCaBundle ?? (() => readBuildCaBundle({ candidates: [SYSTEM_CA_BUNDLE] }));
    const extraFiles = o.recipe.fetchesOverHttps ? [{ name: "build-ca.pem", data: await readCa(), mode: 0o644 }] : [];
    await buildDockerfileImage({ ...common, extraFiles, labels: labels("dockerfile"), noCache: o.noCache });
    return "dockerfile";
  }
  if ((o.pullBase ?? "auto") !== "0" && (await tryPullBase(o.docker, o.report, o.signal))) {
    await buildDockerfileImage({ ...common, dockerfile: "Dockerfile.pull", labels: labels("pull"), noCache: false });
    return "pull";
  }
  const problem = await rootfsPrerequisiteProblem();
  if (problem !== null) throw new Error(problem);
  await buildRootfsImage({ ...common, labels: labels("debootstrap"), mirror: o.mirror ?? DEFAULT_DEBIAN_MIRROR });
  return "debootstrap";
}

/** The replaced image, unless something still uses it (a container, a child image): then keep it. */
async function removeQuietly(docker: Docker, imageId: string): Promise<void> {
  await docker
    .getImage(imageId)
    .remove()
    .catch(() => {});
}
