/**
 * How each catalog image is made, and the recipe hash that decides whether it must be remade.
 * A recipe is a folder beside this file: a `Dockerfile` layered on another catalog image, or
 * `rootfs.sh` for the base that has nothing to start from (debootstrap + `docker import`). The Node
 * recipes also take in the course's npm lockfiles (npm-lockfiles.ts).
 */
import { createHash } from "node:crypto";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { collectNpmLockfiles, NPM_LOCKFILE_ROOTS } from "./npm-lockfiles";

export type Recipe = {
  ref: string;
  /** rootfs: `rootfs.sh DIR` then `docker import`; dockerfile: a build of the folder. */
  kind: "rootfs" | "dockerfile";
  /** Folder holding the recipe files (absolute, or relative to RECIPES_DIR). */
  dir: string;
  /** The catalog image the recipe starts `FROM`; it is prepared first. */
  parent: string | null;
  /** The Dockerfile stage to build, when one folder makes several images (the distroless pair). */
  target?: string;
  /**
   * Folders searched for lesson lockfiles (`…/context/…/package-lock.json`), relative to the
   * repository: each one found, with its package.json's dependency fields, joins the build context
   * under `lockfiles/` and the recipe hash, so a new or changed lockfile rebuilds the image.
   */
  npmLockfileRoots?: readonly string[];
  /**
   * The build downloads over HTTPS (the npm registry): it gets the CA bundle this host trusts as
   * `build-ca.pem` in its context (not in the hash; only fetch stages use it, never a final one).
   */
  fetchesOverHttps?: boolean;
};

export const RECIPES_DIR = path.dirname(fileURLToPath(import.meta.url));

/** A file of a build context: `name` is relative and `/`-separated. */
export type RecipeFile = { name: string; data: Buffer; mode: number };

export const RECIPES: readonly Recipe[] = [
  { ref: "stagecraft/debian:bookworm-slim", kind: "rootfs", dir: "debian-bookworm-slim", parent: null },
  { ref: "stagecraft/busybox:1.35", kind: "dockerfile", dir: "busybox-1.35", parent: "stagecraft/debian:bookworm-slim" },
  { ref: "stagecraft/golang:1.19", kind: "dockerfile", dir: "golang-1.19", parent: "stagecraft/debian:bookworm-slim" },
  { ref: "stagecraft/gcc:12", kind: "dockerfile", dir: "gcc-12", parent: "stagecraft/debian:bookworm-slim" },
  {
    ref: "stagecraft/node:18-slim",
    kind: "dockerfile",
    dir: "node-18-slim",
    parent: "stagecraft/debian:bookworm-slim",
    npmLockfileRoots: NPM_LOCKFILE_ROOTS,
    fetchesOverHttps: true,
  },
  // On the slim image, so both hold the same npm cache and the cache is warmed once.
  { ref: "stagecraft/node:18", kind: "dockerfile", dir: "node-18", parent: "stagecraft/node:18-slim" },
  { ref: "stagecraft/python:3.11-slim", kind: "dockerfile", dir: "python-3.11-slim", parent: "stagecraft/debian:bookworm-slim" },
  // On the slim image: the same interpreter at the same path, so a venv moves between them.
  { ref: "stagecraft/python:3.11", kind: "dockerfile", dir: "python-3.11", parent: "stagecraft/python:3.11-slim" },
  { ref: "stagecraft/rust:1.63", kind: "dockerfile", dir: "rust-1.63", parent: "stagecraft/debian:bookworm-slim" },
  {
    ref: "stagecraft/distroless-static:nonroot",
    kind: "dockerfile",
    dir: "distroless",
    target: "static",
    parent: "stagecraft/debian:bookworm-slim",
  },
  { ref: "stagecraft/distroless-cc:nonroot", kind: "dockerfile", dir: "distroless", target: "cc", parent: "stagecraft/debian:bookworm-slim" },
];

/** Image labels written on every prepared image; the recipe hash is what makes reruns no-ops. */
export const LABELS = {
  recipeHash: "org.stagecraft.recipe-hash",
  standsInFor: "org.stagecraft.stands-in-for",
  source: "org.stagecraft.source",
  /** Image ID of the parent it was built on: a rebuilt parent rebuilds its children. */
  parentImage: "org.stagecraft.parent-image",
} as const;

/** Bump to rebuild every image when the way recipes are applied changes (not their files). */
const RECIPE_FORMAT = "stagecraft-recipe-v1";


export function recipeDir(recipe: Recipe): string {
  return path.resolve(RECIPES_DIR, recipe.dir);
}

/**
 * The recipe's files (its folder, recursively, `/`-separated names) and the lockfiles it collects,
 * sorted by name: the build context and the hash input.
 */
export async function readRecipeFiles(recipe: Recipe): Promise<RecipeFile[]> {
  const dir = recipeDir(recipe);
  const names = await listFiles(dir);
  const own = await Promise.all(
    names.map(async (name) => ({
      name,
      data: await readFile(path.join(dir, name)),
      mode: name.endsWith(".sh") ? 0o755 : 0o644,
    })),
  );
  const collected = recipe.npmLockfileRoots === undefined ? [] : await collectNpmLockfiles(recipe.npmLockfileRoots);
  return [...own, ...collected].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function listFiles(dir: string, prefix = ""): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(path.join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix === "" ? entry.name : `${prefix}/${entry.name}`;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else if (entry.isFile()) out.push(rel);
  }
  return out;
}

/**
 * Recipe hash of every recipe, keyed by ref. A child's hash covers its parent's, so changing the
 * base recipe rebuilds everything layered on it.
 */
export async function recipeHashes(recipes: readonly Recipe[]): Promise<Map<string, string>> {
  const hashes = new Map<string, string>();
  for (const recipe of orderRecipes(recipes)) {
    const hash = createHash("sha256").update(`${RECIPE_FORMAT}\0${recipe.ref}\0${recipe.kind}\0`);
    hash.update(`parent\0${recipe.parent === null ? "" : (hashes.get(recipe.parent) ?? recipe.parent)}\0`);
    // Only when set, so the hashes of recipes without a target did not change when targets came.
    if (recipe.target !== undefined) hash.update(`target\0${recipe.target}\0`);
    for (const file of await readRecipeFiles(recipe)) {
      hash.update(`${file.name}\0${file.data.length}\0`).update(file.data);
    }
    hashes.set(recipe.ref, `sha256:${hash.digest("hex")}`);
  }
  return hashes;
}

/**
 * Parents before children. With `only`, just that recipe and its ancestors (a child cannot be
 * built without them). Throws on an unknown ref or a cycle.
 */
export function orderRecipes(recipes: readonly Recipe[], only?: string): Recipe[] {
  const byRef = new Map(recipes.map((r) => [r.ref, r]));
  const ordered: Recipe[] = [];
  const visiting = new Set<string>();
  const visit = (ref: string) => {
    if (ordered.some((r) => r.ref === ref)) return;
    const recipe = byRef.get(ref);
    if (!recipe) throw new Error(`No recipe for ${ref}. Known: ${[...byRef.keys()].join(", ")}`);
    if (visiting.has(ref)) throw new Error(`Recipe cycle through ${ref}`);
    visiting.add(ref);
    if (recipe.parent !== null && byRef.has(recipe.parent)) visit(recipe.parent);
    visiting.delete(ref);
    ordered.push(recipe);
  };
  if (only !== undefined) visit(only);
  else for (const recipe of recipes) visit(recipe.ref);
  return ordered;
}
