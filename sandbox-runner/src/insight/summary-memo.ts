/**
 * Starter and solution summaries remembered across runs, so only an exercise's first run pays
 * for building and reading them. Keyed by exercise and Dockerfile text; the same assumption as
 * the baseline memo (variant-builds.ts): catalog images change only with a deploy.
 */
import type { ImageSummary } from "../../../lib/insight/index";
import { SANDBOX_LIMITS } from "../limits";

export type SummaryMemo = {
  get(key: string): ImageSummary | undefined;
  set(key: string, summary: ImageSummary): void;
};

export function createSummaryMemo(maxEntries: number = SANDBOX_LIMITS.insight.memoEntries): SummaryMemo {
  const entries = new Map<string, ImageSummary>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit) {
        // Map order is insertion order: re-inserting makes it the most recently used.
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key, summary) {
      entries.delete(key);
      entries.set(key, summary);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
