/**
 * Starter and solution summaries remembered across runs, so only an exercise's first run pays
 * for building and reading them. Keyed by exercise and Dockerfile text; the same assumption as
 * the baseline memo (variant-builds.ts): catalog images change only with a deploy.
 */
import type { ImageSummary } from "../../../lib/insight/index";
import { SANDBOX_LIMITS } from "../limits";
import { createLru, type Lru } from "../lru";

export type SummaryMemo = Lru<ImageSummary>;

export function createSummaryMemo(maxEntries: number = SANDBOX_LIMITS.insight.memoEntries): SummaryMemo {
  return createLru<ImageSummary>(maxEntries);
}
