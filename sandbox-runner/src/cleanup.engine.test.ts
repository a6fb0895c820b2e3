// cleanup.ts and engine.ts against the real engine. The prune test removes only the cache record
// of its own build (by id): other people build on this engine and rely on their cache.
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuild } from "./build-backend";
import { makeBuildContext } from "./build-context";
import { cleanupImage, pruneBuildCache } from "./cleanup";
import { createDocker, pingEngine } from "./engine";

const docker = createDocker(process.env.DOCKER_SOCKET ?? "/var/run/docker.sock");
const run = randomBytes(4).toString("hex");
const tag = `stagecraft-test-cleanup:${run}`;
let dir: string;

type CacheRecord = { ID: string; Description: string; InUse: boolean; Size: number };
async function cacheRecords(): Promise<CacheRecord[]> {
  const df = (await docker.df()) as { BuildCache?: CacheRecord[] | null };
  return df.BuildCache ?? [];
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sc-cleanup-"));
  const outcome = await runBuild({
    docker,
    context: await makeBuildContext({ dir, contextFiles: [] }, `FROM stagecraft/busybox:1.35\nRUN echo ${run} > /cleanup-marker\n`),
    tag,
    signal: new AbortController().signal,
    timeoutMs: 60_000,
    logCapBytes: 1024 * 1024,
    onStep: () => {},
    onLog: () => {},
  });
  expect(outcome.ok).toBe(true);
});
afterAll(async () => {
  await cleanupImage(docker, tag);
  await rm(dir, { recursive: true, force: true });
});

describe("engine", () => {
  it("pings a live engine and reports a missing socket as down without throwing", async () => {
    expect(await pingEngine(docker)).toBe(true);
    expect(await pingEngine(createDocker(path.join(dir, "no-such.sock")))).toBe(false);
  });
});

describe("cleanup", () => {
  it("removes an image by tag, and says false when it is already gone", async () => {
    expect(await cleanupImage(docker, tag)).toBe(true);
    await expect(docker.getImage(tag).inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await cleanupImage(docker, tag)).toBe(false);
  });

  it("prunes build cache (here: only this test's own record) and reports bytes reclaimed", async () => {
    const mine = (await cacheRecords()).find((r) => r.Description.includes(run));
    expect(mine, "the RUN step left a cache record").toBeDefined();
    const reclaimed = await pruneBuildCache(docker, { filters: { id: [mine!.ID] } });
    expect(reclaimed).toBeGreaterThanOrEqual(0);
    expect((await cacheRecords()).some((r) => r.ID === mine!.ID)).toBe(false);
  });
});
