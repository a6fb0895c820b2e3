/**
 * Where a registry is reachable, the upstream debian:bookworm-slim may be pulled and relabelled
 * instead of debootstrapped. It is only ever an optimisation: any failure falls back to debootstrap.
 */
import type Docker from "dockerode";
import { z } from "zod";
import { readEngineStream } from "./json-stream";
import type { StepReporter } from "./rootfs-image";

export const UPSTREAM_BASE = "debian:bookworm-slim";

/** `STAGECRAFT_PULL_BASE`: 1 pull first, 0 never pull, unset: try one pull, quietly fall back. */
export const PullBaseSetting = z.enum(["1", "0", "auto"]).default("auto");
export type PullBaseSetting = z.infer<typeof PullBaseSetting>;

/** No registry traffic for this long means no registry: give up and debootstrap. */
const PULL_IDLE_TIMEOUT_MS = 15_000;

/** True when `debian:bookworm-slim` is in the local store afterwards (already there or pulled). */
export async function tryPullBase(docker: Docker, report: StepReporter, signal?: AbortSignal): Promise<boolean> {
  const present = await docker
    .getImage(UPSTREAM_BASE)
    .inspect()
    .then(() => true, () => false);
  if (present) {
    report.step(`${UPSTREAM_BASE} is already in the local image store`);
    return true;
  }
  report.step(`docker pull ${UPSTREAM_BASE} (gives up after ${PULL_IDLE_TIMEOUT_MS / 1000} s without progress)`);
  const abort = new AbortController();
  const onOuterAbort = () => abort.abort();
  signal?.addEventListener("abort", onOuterAbort);
  let idle = setTimeout(() => abort.abort(), PULL_IDLE_TIMEOUT_MS);
  try {
    const stream = await docker.pull(UPSTREAM_BASE, { abortSignal: abort.signal });
    await readEngineStream(stream, (line) => {
      clearTimeout(idle);
      idle = setTimeout(() => abort.abort(), PULL_IDLE_TIMEOUT_MS);
      if (line.status) report.output(`${line.id ? `${line.id}: ` : ""}${line.status} ${line.progress ?? ""}`.trim());
    });
    return true;
  } catch (err) {
    // e.g. "(HTTP code 500) server error - Get https://registry-1.docker.io/v2/: … no such host"
    const message = ((err as Error).message.split("\n")[0] ?? "").replace(/^\(HTTP code \d+\) [a-z ]+- /, "").trim();
    const reason = abort.signal.aborted ? `no progress for ${PULL_IDLE_TIMEOUT_MS / 1000} s` : message;
    report.step(`pull failed (${reason}); building with debootstrap instead`);
    return false;
  } finally {
    clearTimeout(idle);
    signal?.removeEventListener("abort", onOuterAbort);
  }
}
