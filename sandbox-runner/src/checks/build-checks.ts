/**
 * Checks that build again: rebuild-cache, size-ratio (the starter as baseline), targets. Their
 * extra builds come from `CheckContext.variants` (variant-builds.ts), which removes every image
 * it made with the run's own.
 */
import { rebuildCache } from "./rebuild-cache";
import { sizeRatio } from "./size-ratio";
import { targets } from "./targets";
import type { CheckFn } from "./types";

export const BUILD_CHECKS: {
  readonly "rebuild-cache": CheckFn<"rebuild-cache">;
  readonly "size-ratio": CheckFn<"size-ratio">;
  readonly targets: CheckFn<"targets">;
} = {
  "rebuild-cache": rebuildCache,
  "size-ratio": sizeRatio,
  targets,
};
