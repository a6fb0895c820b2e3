/**
 * The course's npm lockfiles, gathered for the Node images' offline cache. Learner builds have no
 * network, so every package a lesson's `npm ci` installs must already be in the image: the recipe
 * takes each lockfile into its build context (and so into its hash) and warms the cache from it.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { z } from "zod";
import type { RecipeFile } from "./recipes";

/** Where lessons keep their sample apps: the real course and the tests' fixture course. */
export const NPM_LOCKFILE_ROOTS = ["lessons", "tests/fixtures/lessons"] as const;

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** Folder of the collected files in the build context. */
export const LOCKFILES_DIR = "lockfiles";

/**
 * The package.json fields `npm ci` reads to check the lockfile and choose what to install. Only
 * these join the context, so editing a lesson's scripts or description does not rebuild the image.
 */
const INSTALL_FIELDS = [
  "name",
  "version",
  "dependencies",
  "devDependencies",
  "optionalDependencies",
  "peerDependencies",
  "peerDependenciesMeta",
  "bundleDependencies",
  "bundledDependencies",
  "overrides",
  "workspaces",
] as const;

const PackageJson = z.record(z.string(), z.unknown());

/**
 * Every `package-lock.json` below a `context` folder under `roots` (relative to `base`), as
 * `lockfiles/<path from base>`, each with its package.json cut to INSTALL_FIELDS beside it, plus
 * `lockfiles/index.txt` listing them (so the folder exists even when there are none). Sorted.
 * `node_modules` and hidden folders are not searched. A missing root is skipped.
 */
export async function collectNpmLockfiles(roots: readonly string[], base: string = REPO_ROOT): Promise<RecipeFile[]> {
  const found = new Set<string>();
  for (const root of roots) {
    for (const file of await findLockfiles(path.resolve(base, root))) found.add(file);
  }
  const files: RecipeFile[] = [];
  const names: string[] = [];
  for (const file of [...found].sort()) {
    const rel = path.relative(base, file).split(path.sep).join("/");
    const name = `${LOCKFILES_DIR}/${rel}`;
    names.push(rel);
    files.push({ name, data: await readFile(file), mode: 0o644 });
    const manifest = await installManifest(path.join(path.dirname(file), "package.json"));
    if (manifest !== null) files.push({ name: `${path.posix.dirname(name)}/package.json`, data: manifest, mode: 0o644 });
  }
  const index = names.length === 0 ? "" : `${names.join("\n")}\n`;
  files.push({ name: `${LOCKFILES_DIR}/index.txt`, data: Buffer.from(index), mode: 0o644 });
  return files.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function findLockfiles(dir: string, inContext = false): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return [];
    throw err;
  }
  const out: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith(".") || entry.name === "node_modules") continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...(await findLockfiles(full, inContext || entry.name === "context")));
    else if (inContext && entry.isFile() && entry.name === "package-lock.json") out.push(full);
  }
  return out;
}

/**
 * The install fields of a package.json, as stable JSON; null when there is none. A file that is
 * not a JSON object is passed on as it is: the image build then names it in a clear error.
 */
async function installManifest(file: string): Promise<Buffer | null> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  let parsed: z.infer<typeof PackageJson>;
  try {
    parsed = PackageJson.parse(JSON.parse(text));
  } catch {
    return Buffer.from(text);
  }
  const kept = Object.fromEntries(INSTALL_FIELDS.filter((k) => parsed[k] !== undefined).map((k) => [k, parsed[k]]));
  return Buffer.from(`${JSON.stringify(kept, null, 2)}\n`);
}
