/**
 * Removing what a learner's build left behind. Both calls tolerate "already gone": cleanup runs
 * after failures, cancellations and crashes, when there may be nothing left to remove.
 */
import type Docker from "dockerode";

const isNotFound = (err: unknown) => (err as { statusCode?: number } | null)?.statusCode === 404;

/**
 * Deletes an image by tag. `force` also drops it when a stopped check container still refers to
 * it; `noprune: false` removes the untagged parent layers it owned. Returns false if it was gone.
 */
export async function cleanupImage(docker: Docker, tag: string): Promise<boolean> {
  try {
    await docker.getImage(tag).remove({ force: true, noprune: false });
    return true;
  } catch (err) {
    if (isNotFound(err)) return false;
    throw err;
  }
}

export type PruneOptions = {
  /**
   * Engine filters, e.g. `{ "unused-for": ["1h"] }` or `{ id: ["<record id>"] }`.
   * @default none: every cache record not in use by a running build
   */
  filters?: Record<string, string[]>;
  /**
   * Keep at most this many bytes of cache, deleting least recently used records first.
   * @default unset: no size target, every matching record goes
   */
  keepStorageBytes?: number;
  /** Include records still shared with images (`docker builder prune --all`). @default false */
  all?: boolean;
};

/**
 * `POST /build/prune`: deleting a BuildKit image does not free its build cache (DESIGN.md §3).
 * Returns the bytes the engine reports as reclaimed. Sent through the modem because dockerode's
 * `pruneBuilder` drops its options (it cannot pass filters).
 */
export async function pruneBuildCache(docker: Docker, options: PruneOptions = {}): Promise<number> {
  const modem = (docker as unknown as { modem: { dial(o: object, cb: (err: unknown, data: unknown) => void): void } }).modem;
  const query: Record<string, string> = {};
  if (options.filters) query.filters = JSON.stringify(options.filters);
  if (options.keepStorageBytes !== undefined) query["keep-storage"] = String(options.keepStorageBytes);
  if (options.all) query.all = "1";
  try {
    const res = await new Promise<unknown>((resolve, reject) =>
      modem.dial(
        { path: "/build/prune?", method: "POST", options: query, statusCodes: { 200: true, 500: "server error" } },
        (err, data) => (err ? reject(err) : resolve(data)),
      ),
    );
    const reclaimed = (res as { SpaceReclaimed?: unknown } | null)?.SpaceReclaimed;
    return typeof reclaimed === "number" ? reclaimed : 0;
  } catch (err) {
    if (isNotFound(err)) return 0;
    throw err;
  }
}

type CacheRecord = { ID: string; Description?: string; CreatedAt?: string; InUse?: boolean };

/**
 * Deletes the build-cache records of one build's `RUN` steps, written since `since` (ms epoch):
 * what an image refused for its size leaves behind (its layers sit in the cache, not the image,
 * and the bounded prune after each run would keep them). Records are found by BuildKit's
 * description of a RUN (`mount / from exec /bin/sh -c <command>`); the engine's `id` filter takes
 * one value per call. Returns how many records were deleted. Best effort: the caller's run has
 * ended either way, and the size-bounded prune still applies.
 */
export async function pruneRunRecords(docker: Docker, opts: { since: number; commands: readonly string[] }): Promise<number> {
  if (opts.commands.length === 0) return 0;
  const modem = (docker as unknown as { modem: { dial(o: object, cb: (err: unknown, data: unknown) => void): void } }).modem;
  const df = await new Promise<unknown>((resolve, reject) =>
    modem.dial({ path: "/system/df?", method: "GET", options: {}, statusCodes: { 200: true, 500: "server error" } }, (err, data) =>
      err ? reject(err) : resolve(data),
    ),
  );
  const records = ((df as { BuildCache?: CacheRecord[] } | null)?.BuildCache ?? []).filter((r) => {
    const desc = r.Description ?? "";
    const created = Date.parse(r.CreatedAt ?? "");
    return !r.InUse && created >= opts.since && desc.startsWith("mount / from exec ") && opts.commands.some((c) => desc.endsWith(c));
  });
  for (const record of records) await pruneBuildCache(docker, { filters: { id: [record.ID] }, all: true });
  return records.length;
}
