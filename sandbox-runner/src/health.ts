/**
 * `GET /health`: what an operator (or the web app's status badge) needs to know at a glance —
 * is the engine there, which sandbox limits actually hold on this machine, how full is the
 * queue, is the database answering. `ok` is false when a run could not succeed right now.
 */
import { z } from "zod";
import type { LimitReport } from "./cgroup-limits";
import { SANDBOX_LIMITS } from "./limits";
import type { QueueStats } from "./queue";

export const LimitEntry = z.object({
  /** e.g. `build.memory`, `container.pids`. */
  name: z.string(),
  enforced: z.boolean(),
  value: z.union([z.number(), z.string()]).optional(),
  /** Why a limit is not enforced, or how it is. */
  reason: z.string().optional(),
});
export type LimitEntry = z.infer<typeof LimitEntry>;

export const HealthReport = z.object({
  ok: z.boolean(),
  engine: z.object({ reachable: z.boolean(), version: z.string().nullable() }),
  limits: z.array(LimitEntry),
  queue: z.object({ running: z.number().int(), queued: z.number().int(), max: z.number().int() }),
  database: z.object({ reachable: z.boolean() }),
});
export type HealthReport = z.infer<typeof HealthReport>;

export type EngineStatus = HealthReport["engine"];

/** The build cgroup caps as `applyBuildCgroupLimits` reported them at start-up. */
export function buildLimitEntries(reports: readonly LimitReport[]): LimitEntry[] {
  return reports.map((r) => ({
    name: `build.${r.limit}`,
    enforced: r.enforced,
    ...(r.value !== undefined && { value: r.value }),
    ...(r.reason !== undefined && { reason: r.reason }),
  }));
}

/** Limits that hold on every engine: HostConfig on check containers and the runner's own caps. */
export function fixedLimitEntries(): LimitEntry[] {
  const c = SANDBOX_LIMITS.container;
  const b = SANDBOX_LIMITS.build;
  const always = (name: string, value: number | string, reason: string): LimitEntry => ({
    name,
    enforced: true,
    value,
    reason,
  });
  return [
    always("container.memory", c.memoryBytes, "HostConfig.Memory on every check container"),
    always("container.pids", c.pids, "HostConfig.PidsLimit"),
    always("container.cpu", c.nanoCpus, "HostConfig.NanoCpus"),
    always("container.network", "none", "check containers run with NetworkMode none"),
    always("container.output", c.outputCapBytes, "captured output per container"),
    always("build.network", "none", "RUN steps have no network; base images come from the local catalog"),
    always("build.timeout", b.timeoutMs, "wall-clock limit; the build is aborted"),
    always("build.log", b.logCapBytes, "total output per build; the build is aborted"),
    always("build.imageSize", b.maxImageBytes, "larger images fail and are deleted"),
    always("build.minFreeDisk", b.minFreeDiskBytes, "no build starts below this free space"),
    {
      name: "build.disk",
      enforced: false,
      reason: "no per-build disk quota on this storage driver; watermark, timeout and prune instead",
    },
  ];
}

export async function collectHealth(probe: {
  engine(): Promise<EngineStatus>;
  limits: readonly LimitEntry[];
  queue(): QueueStats;
  database(): Promise<boolean>;
}): Promise<HealthReport> {
  const [engine, dbReachable] = await Promise.all([
    probe.engine().catch(() => ({ reachable: false, version: null })),
    probe.database().catch(() => false),
  ]);
  const { running, queued, max } = probe.queue();
  return {
    ok: engine.reachable && dbReachable,
    engine,
    limits: [...probe.limits],
    queue: { running, queued, max },
    database: { reachable: dbReachable },
  };
}
