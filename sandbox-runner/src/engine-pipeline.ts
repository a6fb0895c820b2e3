/**
 * The real pipeline on a Docker engine: `PipelineDeps` wired to the build backend, image report,
 * checks and cleanup modules. The modules are imported lazily so tools that import this file but
 * never build do not load dockerode-heavy code until they ask for a pipeline.
 */
import { statfs } from "node:fs/promises";
import type { Docker } from "./engine";
import { SANDBOX_LIMITS } from "./limits";
import { phaseTimeouts } from "./phase-timeouts";
import type { PipelineDeps } from "./run-pipeline";
import { createBaselineMemo } from "./variant-builds";

/**
 * The build limits `createEnginePipeline` and `startRunner` let a caller (a test) tighten: shorter
 * times, smaller caps, or a free-space watermark above the disk's real free space.
 */
export type BuildLimits = { timeoutMs: number; logCapBytes: number; maxImageBytes: number; minFreeDiskBytes: number };

export async function createEnginePipeline(
  docker: Docker,
  opts: {
    warn?: PipelineDeps["warn"];
    /** Tighter build limits, for tests. @default SANDBOX_LIMITS.build */
    build?: Partial<BuildLimits>;
    /** Build insight after grading (layers, waste, comparison, weighed stages). @default true (lessons:verify needs none) */
    insight?: boolean;
    /** RUNNER_INSTANCE: names this runner's run images and scopes its leftover removal. */
    instance?: string;
    /**
     * BuildKit's parent cgroup (RUNNER_BUILD_CGROUP), where a dropped build's RUN processes live on;
     * unset: they are not looked for (a runner sharing an engine it does not own).
     */
    buildCgroup?: string;
  } = {},
): Promise<PipelineDeps> {
  const [dockerfile, catalog, backend, context, report, checks, cleanup, sweep, insight, summaries] = await Promise.all([
    import("../../lib/dockerfile/index"),
    import("../../lib/image-catalog"),
    import("./build-backend"),
    import("./build-context"),
    import("./image-report"),
    import("./checks/index"),
    import("./cleanup"),
    import("./engine-sweep"),
    import("./insight/compute-insight"),
    import("./insight/summary-memo"),
  ]);
  // Runs the engine dropped (or whose cleanup failed), removed before the next run.
  const deferred: { tags: string[]; since: Date }[] = [];
  // One per pipeline, like `baselines`: starter and solution summaries for the comparison view.
  const summaryMemo = summaries.createSummaryMemo();
  const limits = SANDBOX_LIMITS;
  const build: BuildLimits = {
    timeoutMs: opts.build?.timeoutMs ?? limits.build.timeoutMs,
    logCapBytes: opts.build?.logCapBytes ?? limits.build.logCapBytes,
    maxImageBytes: opts.build?.maxImageBytes ?? limits.build.maxImageBytes,
    minFreeDiskBytes: opts.build?.minFreeDiskBytes ?? limits.build.minFreeDiskBytes,
  };
  const { minFreeDiskBytes, ...buildCall } = build;
  return {
    admit: (text) =>
      dockerfile.admitDockerfile(text, {
        maxBytes: limits.dockerfile.maxBytes,
        maxLines: limits.dockerfile.maxLines,
        allowedImages: (ref: string) => catalog.findCatalogImage(ref) !== undefined,
      }),
    freeDiskBytes: (signal) => freeDiskBytes(docker, signal),
    minFreeDiskBytes,
    makeContext: (exercise, text, edits) => context.makeBuildContext(exercise, text, limits.context, edits),
    build: (o) => backend.runBuild({ docker, ...o, ...buildCall }),
    report: (tag, model, steps) => report.buildImageReport(docker, tag, model, steps),
    checks: (ctx, specs) => checks.runChecks({ docker, ...ctx }, specs),
    async cleanup(tag, variantTags) {
      for (const variant of variantTags) await cleanup.cleanupImage(docker, variant);
      await cleanup.cleanupImage(docker, tag);
      // Bounded, not empty: keeping recent cache lets a learner's rebuild (and the course's
      // cache-ordering lessons) see CACHED steps. Records are content-addressed and cache mounts
      // are refused at admission, so what one learner leaves cannot alter another's build.
      await cleanup.pruneBuildCache(docker, { keepStorageBytes: SANDBOX_LIMITS.build.cacheKeepBytes, all: true });
    },
    tagPrefix: sweep.runTagPrefix(opts.instance),
    deferCleanup: (leftover) => void deferred.push(leftover),
    async settle(signal) {
      if (deferred.length === 0) return;
      // The engine answers again. A build it dropped may have left its RUN step running (see
      // killOrphanedBuildSteps): end those, unless a build is running now (a cache record in use).
      if (opts.buildCgroup && !(await sweep.listBuildCache(docker)).some((r) => r.InUse)) {
        const { killOrphanedBuildSteps } = await import("./cgroup-limits");
        const killed = await killOrphanedBuildSteps({ parent: opts.buildCgroup });
        if (killed > 0) opts.warn?.(`ended ${killed} build process(es) a dropped build left running`);
      }
      while (deferred.length > 0 && !signal.aborted) {
        const leftover = deferred[0]!;
        for (const tag of leftover.tags) await cleanup.cleanupImage(docker, tag);
        const since = leftover.since;
        await sweep.removeUnfinishedRunCache(docker, { ...(opts.instance && { instance: opts.instance }), unfinishedSince: since });
        deferred.shift();
        opts.warn?.(`removed what a run the engine dropped left (${leftover.tags[0]})`);
      }
    },
    ...(opts.warn && { warn: opts.warn }),
    timeouts: phaseTimeouts(build.timeoutMs),
    // One per pipeline, and the runner makes one pipeline per process.
    baselines: createBaselineMemo(),
    ...(opts.insight !== false && {
      insight: ({ tag, ...rest }) => insight.computeInsight(docker, { imageRef: tag, ...rest }, summaryMemo),
      stageWeights: SANDBOX_LIMITS.insight,
    }),
  };
}

/**
 * Free bytes on the engine's data root, where layers and build cache land. Measured from this
 * host, which assumes the runner shares the engine's filesystem (true for a local socket).
 */
async function freeDiskBytes(docker: Docker, signal: AbortSignal): Promise<number | null> {
  // dockerode's typings omit the options argument; `abortSignal` drops the request.
  const info = (await (docker.info as (o: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, {
    abortSignal: signal,
  })) as { DockerRootDir?: string };
  if (!info.DockerRootDir) return null;
  try {
    const fs = await statfs(info.DockerRootDir);
    return fs.bavail * fs.bsize;
  } catch {
    return null; // not visible from here (remote engine, no permission): not enforced
  }
}
