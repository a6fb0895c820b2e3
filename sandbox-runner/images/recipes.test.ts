import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { IMAGE_CATALOG } from "../../lib/image-catalog";
import { orderRecipes, readRecipeFiles, recipeDir, recipeHashes, RECIPES, RECIPES_DIR, type Recipe, type RecipeFile } from "./recipes";

const tmpDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tmpDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A copy of the real recipes in a temporary folder, to change without touching the tree. */
async function copiedRecipes(): Promise<Recipe[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "stagecraft-recipes-test-"));
  tmpDirs.push(dir);
  // One copy per folder: the distroless pair shares one.
  for (const folder of new Set(RECIPES.map((r) => r.dir))) {
    await cp(path.resolve(RECIPES_DIR, folder), path.join(dir, folder), { recursive: true });
  }
  return RECIPES.map((r) => ({ ...r, dir: path.join(dir, r.dir) }));
}

type Stage = { base: string; name: string | null; body: string };

/** The Dockerfile's stages: what each starts FROM, its name, and its text. */
function dockerfileStages(files: RecipeFile[]): Stage[] {
  const dockerfile = files.find((f) => f.name === "Dockerfile")?.data.toString("utf8") ?? "";
  return dockerfile
    .split(/^(?=FROM\s)/im)
    .filter((part) => /^FROM\s/i.test(part))
    .map((part) => {
      const m = /^FROM\s+(\S+)(?:\s+AS\s+(\S+))?/i.exec(part)!;
      return { base: m[1]!, name: m[2] ?? null, body: part };
    });
}

describe("image recipes", () => {
  it("has exactly one recipe per catalog image", () => {
    expect(RECIPES.map((r) => r.ref).sort()).toEqual(IMAGE_CATALOG.map((i) => i.ref).sort());
  });

  it("starts every Dockerfile from its declared parent, scratch or an earlier stage, never from an upstream image", async () => {
    for (const recipe of RECIPES) {
      const files = await readRecipeFiles(recipe);
      if (recipe.kind === "rootfs") {
        expect(files.map((f) => f.name)).toContain("rootfs.sh");
        continue;
      }
      const stages = dockerfileStages(files);
      expect(stages[0]?.base, recipe.ref).toBe(recipe.parent);
      stages.forEach((stage, i) => {
        const earlier = stages.slice(0, i).map((s) => s.name);
        expect(stage.base === "scratch" || stage.base === recipe.parent || earlier.includes(stage.base), `${recipe.ref}: FROM ${stage.base}`).toBe(true);
      });
      if (recipe.target !== undefined) expect(stages.map((s) => s.name), recipe.ref).toContain(recipe.target);
    }
  });

  it("keeps the build CA bundle out of every image: only earlier stages of an HTTPS recipe read it", async () => {
    for (const recipe of RECIPES.filter((r) => r.kind === "dockerfile")) {
      const stages = dockerfileStages(await readRecipeFiles(recipe));
      const mentions = stages.filter((s) => s.body.includes("build-ca.pem"));
      if (!recipe.fetchesOverHttps) expect(mentions, recipe.ref).toEqual([]);
      const final = recipe.target === undefined ? stages.at(-1) : stages.find((s) => s.name === recipe.target);
      expect(final?.body, recipe.ref).not.toContain("build-ca.pem");
    }
    expect(RECIPES.filter((r) => r.fetchesOverHttps).map((r) => r.ref)).toEqual(["stagecraft/node:18-slim"]);
  });

  it("orders parents before children, and --only brings the parents along", () => {
    const order = orderRecipes(RECIPES).map((r) => r.ref);
    expect(order[0]).toBe("stagecraft/debian:bookworm-slim");
    for (const recipe of RECIPES) {
      if (recipe.parent !== null) expect(order.indexOf(recipe.parent), recipe.ref).toBeLessThan(order.indexOf(recipe.ref));
    }
    expect(orderRecipes(RECIPES, "stagecraft/gcc:12").map((r) => r.ref)).toEqual([
      "stagecraft/debian:bookworm-slim",
      "stagecraft/gcc:12",
    ]);
    expect(orderRecipes(RECIPES, "stagecraft/node:18").map((r) => r.ref)).toEqual([
      "stagecraft/debian:bookworm-slim",
      "stagecraft/node:18-slim",
      "stagecraft/node:18",
    ]);
    expect(() => orderRecipes(RECIPES, "stagecraft/alpine:3.19")).toThrow(/No recipe for stagecraft\/alpine:3\.19/);
  });

  it("reads recipe folders recursively and takes the course's lockfiles into the Node recipe", async () => {
    const slim = RECIPES.find((r) => r.ref === "stagecraft/node:18-slim")!;
    const names = (await readRecipeFiles(slim)).map((f) => f.name);
    expect(names).toEqual(expect.arrayContaining(["Dockerfile", "selftest/package-lock.json", "lockfiles/index.txt"]));
    expect(names).toEqual([...names].sort());
    const full = RECIPES.find((r) => r.ref === "stagecraft/node:18")!;
    expect((await readRecipeFiles(full)).map((f) => f.name)).toEqual(["Dockerfile"]);
  });

  it("gives the two images of one folder different hashes (their targets differ)", async () => {
    const hashes = await recipeHashes(RECIPES);
    expect(hashes.get("stagecraft/distroless-static:nonroot")).not.toBe(hashes.get("stagecraft/distroless-cc:nonroot"));
  });

  it("gives the same hash for the same recipes", async () => {
    const a = await recipeHashes(RECIPES);
    const b = await recipeHashes(await copiedRecipes());
    expect([...a.values()]).toEqual([...b.values()]);
    expect(new Set(a.values()).size).toBe(RECIPES.length);
    for (const hash of a.values()) expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it("changes an image's hash when one of its files changes, and every child's with it", async () => {
    const recipes = await copiedRecipes();
    const before = await recipeHashes(recipes);
    const gcc = recipes.find((r) => r.ref === "stagecraft/gcc:12")!;
    await writeFile(path.join(recipeDir(gcc), "Dockerfile"), "FROM stagecraft/debian:bookworm-slim\nRUN true\n");
    const afterGcc = await recipeHashes(recipes);
    expect(afterGcc.get("stagecraft/gcc:12")).not.toBe(before.get("stagecraft/gcc:12"));
    expect(afterGcc.get("stagecraft/golang:1.19")).toBe(before.get("stagecraft/golang:1.19"));

    const debian = recipes.find((r) => r.ref === "stagecraft/debian:bookworm-slim")!;
    await writeFile(path.join(recipeDir(debian), "rootfs.sh"), "#!/bin/sh\n# changed\n");
    const afterBase = await recipeHashes(recipes);
    for (const recipe of recipes) expect(afterBase.get(recipe.ref)).not.toBe(afterGcc.get(recipe.ref));
  });

  it("notices a new file in a recipe folder (it would be part of the build context)", async () => {
    const recipes = await copiedRecipes();
    const before = await recipeHashes(recipes);
    const busybox = recipes.find((r) => r.ref === "stagecraft/busybox:1.35")!;
    await writeFile(path.join(recipeDir(busybox), "shells"), "/bin/sh\n");
    expect((await recipeHashes(recipes)).get(busybox.ref)).not.toBe(before.get(busybox.ref));
  });
});
