/** A small least-recently-used map for what the runner remembers across runs (baselines, summaries). */
export type Lru<T> = {
  get(key: string): T | undefined;
  set(key: string, value: T): void;
};

export function createLru<T>(maxEntries: number): Lru<T> {
  const entries = new Map<string, T>();
  return {
    get(key) {
      const hit = entries.get(key);
      if (hit !== undefined) {
        // Map order is insertion order: re-inserting makes it the most recently used.
        entries.delete(key);
        entries.set(key, hit);
      }
      return hit;
    },
    set(key, value) {
      entries.delete(key);
      entries.set(key, value);
      while (entries.size > maxEntries) entries.delete(entries.keys().next().value as string);
    },
  };
}
