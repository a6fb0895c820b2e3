import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { collectNpmLockfiles } from "./npm-lockfiles";
import { recipeHashes, RECIPES, type Recipe } from "./recipes";

let base: string;
beforeEach(async () => {
  base = await mkdtemp(path.join(os.tmpdir(), "stagecraft-lockfiles-test-"));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function put(rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(base, rel)), { recursive: true });
  await writeFile(path.join(base, rel), text);
}

const LOCK = JSON.stringify({ name: "svc", lockfileVersion: 3, packages: { "": { name: "svc" } } });
const PACKAGE = { name: "svc", version: "1.0.0", scripts: { build: "tsc" }, dependencies: { ms: "2.1.3" }, devDependencies: { typescript: "5.4.5" } };

const text = (files: Awaited<ReturnType<typeof collectNpmLockfiles>>, name: string) =>
  files.find((f) => f.name === name)?.data.toString("utf8");

describe("collectNpmLockfiles", () => {
  it("finds lockfiles under context folders only, skipping node_modules and hidden folders", async () => {
    await put("lessons/05-node/exercises/svc/context/package-lock.json", LOCK);
    await put("lessons/10-pitfalls/exercises/prune/context/app/package-lock.json", LOCK);
    await put("lessons/05-node/exercises/svc/package-lock.json", LOCK); // beside context/, not in it
    await put("lessons/05-node/exercises/svc/context/node_modules/dep/package-lock.json", LOCK);
    await put("lessons/05-node/exercises/svc/context/.cache/package-lock.json", LOCK);
    await put("tests/fixtures/lessons/01-fixture/exercises/npm/context/package-lock.json", LOCK);
    const files = await collectNpmLockfiles(["lessons", "tests/fixtures/lessons", "no-such-folder"], base);
    expect(files.map((f) => f.name)).toEqual([
      "lockfiles/index.txt",
      "lockfiles/lessons/05-node/exercises/svc/context/package-lock.json",
      "lockfiles/lessons/10-pitfalls/exercises/prune/context/app/package-lock.json",
      "lockfiles/tests/fixtures/lessons/01-fixture/exercises/npm/context/package-lock.json",
    ]);
    expect(text(files, "lockfiles/index.txt")).toBe(
      [
        "lessons/05-node/exercises/svc/context/package-lock.json",
        "lessons/10-pitfalls/exercises/prune/context/app/package-lock.json",
        "tests/fixtures/lessons/01-fixture/exercises/npm/context/package-lock.json",
        "",
      ].join("\n"),
    );
    expect(text(files, "lockfiles/lessons/05-node/exercises/svc/context/package-lock.json")).toBe(LOCK);
  });

  it("brings the package.json's install fields along, and nothing else", async () => {
    await put("lessons/05-node/exercises/svc/context/package-lock.json", LOCK);
    await put("lessons/05-node/exercises/svc/context/package.json", JSON.stringify(PACKAGE));
    const files = await collectNpmLockfiles(["lessons"], base);
    const manifest = JSON.parse(text(files, "lockfiles/lessons/05-node/exercises/svc/context/package.json") ?? "null");
    expect(manifest).toEqual({ name: "svc", version: "1.0.0", dependencies: { ms: "2.1.3" }, devDependencies: { typescript: "5.4.5" } });
  });

  it("passes a package.json that is not JSON through unchanged, for the image build to name", async () => {
    await put("lessons/x/context/package-lock.json", LOCK);
    await put("lessons/x/context/package.json", "{ not json");
    const files = await collectNpmLockfiles(["lessons"], base);
    expect(text(files, "lockfiles/lessons/x/context/package.json")).toBe("{ not json");
  });

  it("still gives an index (an empty one) when the course has no lockfile", async () => {
    const files = await collectNpmLockfiles(["lessons"], base);
    expect(files.map((f) => [f.name, f.data.length])).toEqual([["lockfiles/index.txt", 0]]);
  });
});

describe("the Node recipe's hash and the course's lockfiles", () => {
  const slim = RECIPES.find((r) => r.ref === "stagecraft/node:18-slim")!;
  const withRoots = (): Recipe[] =>
    RECIPES.map((r) => (r.npmLockfileRoots === undefined ? r : { ...r, npmLockfileRoots: [path.join(base, "lessons")] }));
  const hashOf = async (ref: string) => (await recipeHashes(withRoots())).get(ref);

  it("changes when a lockfile is added or changed (so images:prepare rebuilds), not when a script changes", async () => {
    const empty = await hashOf(slim.ref);
    const emptyFull = await hashOf("stagecraft/node:18");
    await put("lessons/05-node/exercises/svc/context/package-lock.json", LOCK);
    await put("lessons/05-node/exercises/svc/context/package.json", JSON.stringify(PACKAGE));
    const added = await hashOf(slim.ref);
    expect(added).not.toBe(empty);
    expect(await hashOf("stagecraft/node:18")).not.toBe(emptyFull);

    await put("lessons/05-node/exercises/svc/context/package.json", JSON.stringify({ ...PACKAGE, scripts: { start: "node ." } }));
    expect(await hashOf(slim.ref)).toBe(added);

    await put("lessons/05-node/exercises/svc/context/package.json", JSON.stringify({ ...PACKAGE, dependencies: { ms: "2.1.2" } }));
    const depChanged = await hashOf(slim.ref);
    expect(depChanged).not.toBe(added);

    await put("lessons/05-node/exercises/svc/context/package-lock.json", LOCK.replace("svc", "svc2"));
    expect(await hashOf(slim.ref)).not.toBe(depChanged);
    // Images that take no lockfiles are not affected.
    expect(await hashOf("stagecraft/python:3.11")).toBe((await recipeHashes(RECIPES)).get("stagecraft/python:3.11"));
  });
});
