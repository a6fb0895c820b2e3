import { cp, mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { IMAGE_CATALOG } from "../../lib/image-catalog";
import { orderRecipes, readRecipeFiles, recipeDir, recipeHashes, RECIPES, type Recipe } from "./recipes";

const tmpDirs: string[] = [];
afterEach(async () => {
  await Promise.all(tmpDirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

/** A copy of the real recipes in a temporary folder, to change without touching the tree. */
async function copiedRecipes(): Promise<Recipe[]> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "stagecraft-recipes-test-"));
  tmpDirs.push(dir);
  return Promise.all(
    RECIPES.map(async (r) => {
      await cp(recipeDir(r), path.join(dir, r.dir), { recursive: true });
      return { ...r, dir: path.join(dir, r.dir) };
    }),
  );
}

describe("image recipes", () => {
  it("has exactly one recipe per catalog image", () => {
    expect(RECIPES.map((r) => r.ref).sort()).toEqual(IMAGE_CATALOG.map((i) => i.ref).sort());
  });

  it("starts every Dockerfile from its declared parent or from scratch, never from an upstream image", async () => {
    for (const recipe of RECIPES) {
      const files = await readRecipeFiles(recipe);
      if (recipe.kind === "rootfs") {
        expect(files.map((f) => f.name)).toContain("rootfs.sh");
        continue;
      }
      const dockerfile = files.find((f) => f.name === "Dockerfile")?.data.toString("utf8") ?? "";
      const bases = [...dockerfile.matchAll(/^FROM\s+(\S+)/gim)].map((m) => m[1]);
      expect(bases[0]).toBe(recipe.parent);
      for (const base of bases) expect(base === "scratch" || base === recipe.parent).toBe(true);
    }
  });

  it("orders parents before children, and --only brings the parents along", () => {
    const order = orderRecipes(RECIPES).map((r) => r.ref);
    expect(order[0]).toBe("stagecraft/debian:bookworm-slim");
    expect(orderRecipes(RECIPES, "stagecraft/gcc:12").map((r) => r.ref)).toEqual([
      "stagecraft/debian:bookworm-slim",
      "stagecraft/gcc:12",
    ]);
    expect(() => orderRecipes(RECIPES, "stagecraft/node:18")).toThrow(/No recipe for stagecraft\/node:18/);
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
