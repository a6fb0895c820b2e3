/**
 * Cold builds on a shared engine. Emptying the whole build cache (what the first bench did) would
 * throw away everyone else's cache, so each cold build instead gets a Dockerfile of its own:
 * `ARG STAGECRAFT_BENCH_COLD=<nonce>` after every FROM. BuildKit gives every RUN the stage's
 * build args in its environment, so a new nonce is a cache miss for every RUN step and for every
 * step after one; base images stay (as on a prepared machine). Steps before a stage's first RUN
 * (a WORKDIR, a COPY of context files) can still be cached by content: they cost milliseconds.
 *
 * Afterwards the bench prunes the cache records its cold builds created (`pruneOwnRecords`), so
 * repeated rounds do not push other people's records out of the runner's LRU-trimmed cache.
 */
import { randomBytes } from "node:crypto";
import { analyzeDockerfile } from "../../lib/dockerfile/index";
import { pruneBuildCache } from "../../sandbox-runner/src/cleanup";
import type { Docker } from "../../sandbox-runner/src/engine";

export const COLD_ARG = "STAGECRAFT_BENCH_COLD";

export const newNonce = () => randomBytes(8).toString("hex");

/** The Dockerfile with `ARG STAGECRAFT_BENCH_COLD=<nonce>` inserted after each FROM line. */
export function coldDockerfile(dockerfile: string, nonce: string): string {
  const lines = dockerfile.split("\n");
  const after = new Set(analyzeDockerfile(dockerfile).stages.map((s) => lastLineOf(lines, s.fromLine - 1)));
  return lines.flatMap((line, i) => (after.has(i) ? [line, `ARG ${COLD_ARG}=${nonce}`] : [line])).join("\n");
}

/** A FROM continued with `\` ends on a later line. */
function lastLineOf(lines: string[], index: number): number {
  let i = index;
  while (i < lines.length - 1 && /\\\s*$/.test(lines[i]!)) i += 1;
  return i;
}

/**
 * The shell-form RUN commands of a Dockerfile, continuations joined and whitespace collapsed:
 * how BuildKit names their cache records (`mount / from exec /bin/sh -c <command>`).
 */
export function runCommands(dockerfile: string): string[] {
  const joined = dockerfile.replace(/\\\r?\n/g, " ");
  return joined
    .split("\n")
    .map((line) => /^\s*RUN\s+(.*)$/i.exec(line)?.[1])
    .filter((cmd): cmd is string => cmd !== undefined && !cmd.trimStart().startsWith("["))
    .map(collapse);
}

const collapse = (s: string) => s.replace(/\s+/g, " ").trim();

type CacheRecord = { ID: string; Description?: string; InUse?: boolean };

/** Ids of every build-cache record on the engine right now. */
export async function cacheRecordIds(docker: Docker): Promise<Set<string>> {
  return new Set((await cacheRecords(docker)).map((r) => r.ID));
}

async function cacheRecords(docker: Docker): Promise<CacheRecord[]> {
  const df = (await docker.df()) as { BuildCache?: CacheRecord[] | null };
  return df.BuildCache ?? [];
}

/**
 * Prunes records created since `before` that are exec records of `commands`: the RUN steps of the
 * bench's own cold builds (their nonce made them unique; an identical record made by someone
 * else in the same seconds would only cost that build a cache hit). Returns how many went.
 */
export async function pruneOwnRecords(docker: Docker, before: Set<string>, commands: readonly string[]): Promise<number> {
  const wanted = new Set(commands.map((c) => `mount / from exec /bin/sh -c ${c}`));
  const ours = (await cacheRecords(docker)).filter(
    (r) => !before.has(r.ID) && !r.InUse && wanted.has(collapse(r.Description ?? "")),
  );
  for (const record of ours) {
    // `id` is matched as a pattern by the engine; an exact 25-character id matches only itself.
    await pruneBuildCache(docker, { filters: { id: [record.ID] }, all: true });
  }
  return ours.length;
}
