/**
 * What a crashed or killed runner (or an engine that went away mid-run) leaves behind, and its
 * removal: check containers (labelled by `container-run.ts`), run images (`stagecraft-run/*`) and
 * the build cache records of the runs that never finished.
 *
 * What a killed build leaves (verified on Engine 20.10): when the runner dies, its HTTP request to
 * the engine drops and BuildKit cancels the build within a second or two — the RUN step's
 * processes end and the step that was running leaves no cache record. The steps it had finished
 * stay as ordinary, unused cache records; no image is tagged unless the build had finished. A
 * runner killed while grading leaves its check containers running and the run's image tagged.
 *
 * Scope: with no `instance` (production) one runner owns the engine, so every `stagecraft-run/*`
 * image and every labelled container is a leftover. With an `instance` (RUNNER_INSTANCE, tests on
 * a shared engine) only images tagged `stagecraft-run/<instance>-…`, the containers made from them
 * and cache records whose description names the instance are touched.
 */
import type { Docker } from "./engine";
import { SANDBOX_LIMITS } from "./limits";

/** The tag prefix of one runner's run images. */
export function runTagPrefix(instance?: string): string {
  return instance ? `stagecraft-run/${instance}-` : "stagecraft-run/";
}

export type SweepScope = {
  /** RUNNER_INSTANCE; unset: everything the runner could have made is a leftover. */
  instance?: string;
  /**
   * When the oldest run a previous process left unfinished was created: cache records last used
   * since then belong to unfinished runs (one build at a time, and nothing else builds here) and
   * are removed, not kept as cache. Null: no run was left unfinished.
   */
  unfinishedSince?: Date | null;
};

export type SweepResult = { containers: number; images: number; cacheRecords: number };

/** Removes every leftover in scope; returns how many containers, images and cache records went. */
export async function removeRunLeftovers(docker: Docker, scope: SweepScope = {}): Promise<SweepResult> {
  // Imported lazily, like the pipeline's modules, so importing the runner does not load them.
  const [{ removeLeftoverContainers }, { PROBE_OF_LABEL }, { cleanupImage, pruneBuildCache }] = await Promise.all([
    import("./container-run"),
    import("./checks/http-probe"),
    import("./cleanup"),
  ]);
  const prefix = runTagPrefix(scope.instance);
  const tags = (await docker.listImages({ filters: { reference: ["stagecraft-run/*"] } }))
    .flatMap((image) => image.RepoTags ?? [])
    .filter((tag) => tag.startsWith(prefix));

  // Containers first: a container still refers to its image.
  let containers = 0;
  if (!scope.instance) {
    containers = await removeLeftoverContainers(docker);
  } else {
    for (const tag of tags) {
      containers += await removeLeftoverContainers(docker, { image: tag });
      containers += await removeLeftoverContainers(docker, { label: `${PROBE_OF_LABEL}=${tag}` });
    }
  }
  let images = 0;
  for (const tag of tags) if (await cleanupImage(docker, tag)) images += 1;

  const cacheRecords = await removeUnfinishedRunCache(docker, scope);
  // The production sweep also trims the whole cache to its cap, as every run's cleanup does.
  if (!scope.instance) await pruneBuildCache(docker, { keepStorageBytes: SANDBOX_LIMITS.build.cacheKeepBytes, all: true });
  return { containers, images, cacheRecords };
}

type CacheRecord = { ID: string; Description?: string; InUse?: boolean; LastUsedAt?: string | null; CreatedAt?: string };

/** The engine's build cache records (`GET /system/df`). */
export async function listBuildCache(docker: Docker): Promise<CacheRecord[]> {
  const df = (await docker.df()) as { BuildCache?: CacheRecord[] | null };
  return df.BuildCache ?? [];
}

/**
 * Deletes the cache records of runs that never finished: those last used since `unfinishedSince`
 * (narrowed to descriptions naming the instance, when there is one). A record another build is
 * using stays. Records are deleted one by one (`id` filter): a parent goes only once its
 * children have, so this repeats until nothing more goes.
 */
export async function removeUnfinishedRunCache(docker: Docker, scope: SweepScope): Promise<number> {
  const since = scope.unfinishedSince;
  if (!since) return 0;
  const { pruneBuildCache } = await import("./cleanup");
  const belongs = (r: CacheRecord) =>
    !r.InUse &&
    Date.parse(r.LastUsedAt ?? r.CreatedAt ?? "") >= since.getTime() &&
    (!scope.instance || (r.Description ?? "").includes(scope.instance));
  const initial = (await listBuildCache(docker)).filter(belongs).length;
  let records = initial;
  for (let pass = 0; pass < 10 && records > 0; pass += 1) {
    for (const record of (await listBuildCache(docker)).filter(belongs)) {
      // `id` is a prefix match in the engine; record ids are 25 random characters.
      await pruneBuildCache(docker, { filters: { id: [record.ID] }, all: true });
    }
    const left = (await listBuildCache(docker)).filter(belongs).length;
    if (left === records) break; // nothing more can go (in use, or held by something else)
    records = left;
  }
  return initial - records;
}
