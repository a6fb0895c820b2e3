/**
 * The image report: what a successful build produced, read from the engine (image inspect and
 * history) plus the stages seen in the build. Shown to the learner and stored with the result.
 */
import { z } from "zod";
import { BuildInsight } from "./insight/index";
import { StepTiming } from "./checks";

export const LayerInfo = z.object({
  /** The history entry's `CreatedBy`, trimmed of BuildKit's `/bin/sh -c` noise. */
  instruction: z.string(),
  sizeBytes: z.number().int().nonnegative(),
  /** True when the layer comes from the base image rather than the learner's final stage. */
  fromBase: z.boolean(),
  /** History entries with no filesystem change (ENV, CMD, …) are kept with `empty: true`. */
  empty: z.boolean(),
});
export type LayerInfo = z.infer<typeof LayerInfo>;

export const ImageConfigSummary = z.object({
  /** `Config.User` as set; empty string means root. */
  user: z.string(),
  cmd: z.array(z.string()).nullable(),
  entrypoint: z.array(z.string()).nullable(),
  /** `exec` when CMD/ENTRYPOINT is a JSON array run directly; `shell` when wrapped in `/bin/sh -c`. */
  cmdForm: z.enum(["exec", "shell", "none"]),
  healthcheck: z.array(z.string()).nullable(),
  exposedPorts: z.array(z.string()),
  /** Names only: values may hold secrets and are never sent to the browser. */
  envNames: z.array(z.string()),
  workdir: z.string(),
});
export type ImageConfigSummary = z.infer<typeof ImageConfigSummary>;

export const StageInfo = z.object({
  index: z.number().int().nonnegative(),
  name: z.string().nullable(),
  /** The `FROM` argument as written. */
  base: z.string(),
  /** Stages or images this stage copies from (`COPY --from`). */
  copiesFrom: z.array(z.string()),
  /** Whether BuildKit built it for the final target (a stage nothing needs is skipped). */
  built: z.boolean(),
});
export type StageInfo = z.infer<typeof StageInfo>;

/** What one stage weighed, built on its own as `--target` after the real build (fully cached). */
export const StageWeight = z.object({
  index: z.number().int().nonnegative(),
  /** Size of the stage's image (its base included); null when it was not weighed. */
  sizeBytes: z.number().int().nonnegative().nullable(),
});
export type StageWeight = z.infer<typeof StageWeight>;

export const StageWeights = z.object({
  weights: z.array(StageWeight),
  /**
   * Bytes of the final image's layers made by `COPY --from=<stage>` (or inherited through
   * `FROM <stage>`), keyed by stage index as a string: what of each stage reached the final image.
   */
  keptBytes: z.record(z.string(), z.number().int().nonnegative()),
  /** Why some or all stages were not weighed (the time budget ran out, a build failed…). */
  note: z.string().optional(),
});
export type StageWeights = z.infer<typeof StageWeights>;

export const ImageReport = z.object({
  sizeBytes: z.number().int().nonnegative(),
  layers: z.array(LayerInfo),
  config: ImageConfigSummary,
  stages: z.array(StageInfo),
  /** Platform of the final image, e.g. `linux/amd64`. */
  platform: z.string(),
  /** Layers, waste and comparison views, added after grading (absent in rows stored before them). */
  insight: BuildInsight.optional(),
  /**
   * The build's instruction steps (`[stage n/m] …` vertices) with cache hits and timings, kept so a
   * later run of the same exercise can line its steps up against this one's. Optional: older rows lack it.
   */
  steps: z.array(StepTiming).optional(),
  /** What each builder stage weighed and what of it reached the final image. Optional, like `steps`. */
  stageWeights: StageWeights.optional(),
});
export type ImageReport = z.infer<typeof ImageReport>;

/** Human size with binary units: 1536 → "1.5 KiB". */
export function formatBytes(bytes: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : 1;
  return `${value.toFixed(digits)} ${units[unit]}`;
}
