/** Checks that build again: rebuild-cache, size-ratio (the starter as baseline), targets. */
import type { CheckFn } from "./types";

export const BUILD_CHECKS: {
  readonly "rebuild-cache"?: CheckFn<"rebuild-cache">;
  readonly "size-ratio"?: CheckFn<"size-ratio">;
  readonly targets?: CheckFn<"targets">;
} = {};
