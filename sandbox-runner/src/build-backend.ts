/**
 * One learner build on the real engine: `POST /build?version=2` (BuildKit) with a context tar the
 * runner made itself, decoded live into steps and log chunks.
 *
 * The request is sent with `docker.modem.dial`, not `docker.buildImage`: for `version: "2"`
 * dockerode 5 first opens a gRPC `/session` whose Auth service answers the daemon's registry
 * credential requests (DESIGN.md §2). Without a session BuildKit cannot ask for credentials at
 * all, and this module never sets `authconfig`/`registryconfig`, so no `X-Registry-*` header is
 * ever sent either. The query is a fixed allowlist (see `buildQuery`).
 *
 * Limits enforced here (DESIGN.md §4): wall-clock timeout, total log bytes, BuildKit's per-step
 * output clip (see `clipMessage`), learner cancel, and final image size. All stops are the same
 * move: abort the HTTP request, which makes the daemon cancel the build and kill its RUN processes.
 */
import type { IncomingMessage } from "node:http";
import type Docker from "dockerode";
import type { BuildStep } from "@/lib/protocol";
import { cleanupImage, pruneRunRecords } from "./cleanup";
import { ENGINE_DOWN_MESSAGE, ENGINE_LOST_MESSAGE, isEngineDown } from "./engine";
import { SANDBOX_LIMITS } from "./limits";
import { createStepTracker } from "./step-tracker";
import { createLineSplitter, decodeBuildLine } from "./trace-decoder";

type FailureCode = "build_failed" | "timeout" | "log_limit" | "cancelled" | "engine_unavailable" | "image_too_large";

export type BuildOutcome =
  /** `sizeBytes`: the final image's size from the inspect that ends every real build (fakes may omit it). */
  | { ok: true; imageId: string; buildMs: number; steps: BuildStep[]; sizeBytes?: number }
  | { ok: false; code: FailureCode; message: string; buildMs: number; steps: BuildStep[] };

export type BuildLogEvent = { stepId?: string; stream: "stdout" | "stderr"; chunk: string };

export type RunBuildOptions = {
  docker: Docker;
  /** Uncompressed tar from `makeBuildContext`. */
  context: Buffer;
  /** Image tag; unguessable per run, since tags are readable by `FROM` (DESIGN.md §4). */
  tag: string;
  /** Build only up to this stage (`docker build --target`), for a check's variant build. @default the last stage */
  target?: string;
  /** Aborting it cancels the build (learner pressed cancel, socket closed, shutdown). */
  signal: AbortSignal;
  timeoutMs: number;
  /** Total output bytes (raw, before sanitising) before the build is stopped. */
  logCapBytes: number;
  onStep(step: BuildStep): void;
  onLog(e: BuildLogEvent): void;
  /** @default SANDBOX_LIMITS.build.maxImageBytes */
  maxImageBytes?: number;
};

/** Lines of the failing step's output quoted in a build_failed message. */
const FAILURE_TAIL_LINES = 12;

/**
 * The complete query string. `pull=0` keeps BuildKit from re-resolving bases against a registry;
 * `networkmode=none` leaves RUN steps only `lo`. Resource parameters (`memory`, `cpu*`, …) are
 * ignored by BuildKit, so the caps live on the cgroup instead (cgroup-limits.ts). `target` comes
 * from an exercise's checks (a `targets` variant build), never from the learner.
 */
export function buildQuery(tag: string, target?: string): Record<string, string> {
  return { t: tag, version: "2", networkmode: "none", pull: "0", rm: "1", forcerm: "1", ...(target !== undefined && { target }) };
}

/** How long a build stopped for its output keeps trying to delete its flooding step's cache record. */
const LOG_LIMIT_SETTLE_MS = 2_000;

type Stop = { code: Exclude<FailureCode, "build_failed" | "image_too_large">; message: string; stepNote: string };

export async function runBuild(opts: RunBuildOptions): Promise<BuildOutcome> {
  const t0 = performance.now();
  const startedAt = Date.now();
  const elapsed = () => Math.round(performance.now() - t0);
  const tracker = createStepTracker();
  const abort = new AbortController();
  let stop: Stop | null = null;
  let daemonError: string | undefined;
  let imageId: string | undefined;
  let logBytes = 0;
  let response: IncomingMessage | undefined;

  const halt = (s: Stop) => {
    if (stop) return;
    stop = s;
    // Once the whole response has arrived the daemon is done and there is nothing to cancel; and
    // aborting then (lines still being handled, 'end' not yet emitted) makes Node destroy a socket
    // that no longer has an error listener: an uncaught AbortError that kills the runner. Seen when
    // a clipped step was the build's last output.
    if (!response?.complete) abort.abort();
  };
  const onCancel = () => halt({ code: "cancelled", message: "The build was cancelled.", stepNote: "cancelled" });
  const seconds = Math.round(opts.timeoutMs / 1000);
  const timer = setTimeout(
    () =>
      halt({
        code: "timeout",
        message: `The build took longer than ${seconds} s and was stopped. Look for a step that waits forever or does far more work than the exercise needs.`,
        stepNote: "stopped: time limit",
      }),
    opts.timeoutMs,
  );
  if (opts.signal.aborted) onCancel();
  else opts.signal.addEventListener("abort", onCancel, { once: true });

  const handleLine = (line: string) => {
    if (stop) return; // the request is being torn down; what follows is noise
    const ev = decodeBuildLine(line);
    switch (ev.kind) {
      case "trace": {
        const { steps, logs } = tracker.apply(ev.update);
        steps.forEach((s) => opts.onStep(s));
        for (const l of logs) {
          logBytes += l.rawBytes;
          if (logBytes > opts.logCapBytes) {
            halt({
              code: "log_limit",
              message: `The build printed more than ${formatMiB(opts.logCapBytes)} of output and was stopped. Make noisy commands quieter (for example, redirect their output to a file).`,
              stepNote: "stopped: output limit",
            });
            return;
          }
          if (l.chunk) opts.onLog({ stepId: l.stepId, stream: l.stream, chunk: l.chunk });
          if (l.clipped !== undefined) {
            halt({ code: "log_limit", message: clipMessage(tracker.step(l.stepId)?.number, l.clipped), stepNote: "stopped: output limit" });
            return;
          }
        }
        for (const w of ev.update.warnings) {
          opts.onLog({ stepId: w.vertex || undefined, stream: "stderr", chunk: `WARNING: ${w.short}\n` });
        }
        return;
      }
      case "image-id":
        imageId = ev.imageId;
        return;
      case "error":
        daemonError = ev.message;
        return;
      case "stream":
      case "ignored":
        return; // "Successfully tagged …" and friends: the trace already said it
    }
  };

  const fail = (code: FailureCode, message: string): BuildOutcome => ({
    ok: false,
    code,
    message,
    buildMs: elapsed(),
    steps: tracker.steps(),
  });

  try {
    try {
      response = await dialBuild(opts.docker, opts.context, buildQuery(opts.tag, opts.target), abort.signal);
      await consume(response, handleLine);
    } catch (err) {
      if (!stop) {
        // Once the build stream had started, the engine went away (stopped or restarted) mid-build.
        if (isEngineDown(err)) return fail("engine_unavailable", response ? ENGINE_LOST_MESSAGE : ENGINE_DOWN_MESSAGE);
        const rejected = httpRejection(err);
        if (rejected) return fail("build_failed", rejected);
        throw err;
      }
    }
    // `stop` is set from callbacks, which TypeScript's narrowing cannot see.
    const stopped = stop as Stop | null;
    if (stopped) {
      // Steps still running were killed with the request; say so instead of leaving them spinning.
      tracker.interrupt(stopped.stepNote).forEach((s) => opts.onStep(s));
      // A flooding step that finished before the stop reached BuildKit is cached like any other:
      // the same Dockerfile would then skip it silently and end `failed`, not `log_limit`.
      if (stopped.code === "log_limit") await pruneRunSteps(opts.docker, tracker.steps(), startedAt, LOG_LIMIT_SETTLE_MS);
      return fail(stopped.code, stopped.message);
    }
    if (daemonError !== undefined) return fail("build_failed", failureMessage(tracker, daemonError));
    return await finish(opts, imageId, tracker.steps(), elapsed(), startedAt);
  } finally {
    clearTimeout(timer);
    opts.signal.removeEventListener("abort", onCancel);
  }
}

/** After a clean stream end: find the image and hold it to the size cap. */
async function finish(
  opts: RunBuildOptions,
  imageId: string | undefined,
  steps: BuildStep[],
  buildMs: number,
  startedAt: number,
): Promise<BuildOutcome> {
  let info: { Id: string; Size: number };
  try {
    info = await opts.docker.getImage(imageId ?? opts.tag).inspect();
  } catch (err) {
    if (isEngineDown(err)) return { ok: false, code: "engine_unavailable", message: ENGINE_DOWN_MESSAGE, buildMs, steps };
    return { ok: false, code: "build_failed", message: "The build finished but produced no image.", buildMs, steps };
  }
  const max = opts.maxImageBytes ?? SANDBOX_LIMITS.build.maxImageBytes;
  if (info.Size > max) {
    await cleanupImage(opts.docker, opts.tag);
    // Its layers stay in the build cache, where the size-bounded prune would keep them: a learner
    // could otherwise park up to the cache budget of waste per run. Deleted now, best effort.
    await pruneRunSteps(opts.docker, steps, startedAt);
    return {
      ok: false,
      code: "image_too_large",
      message: `The final image is ${formatMiB(info.Size)}, over the sandbox limit of ${formatMiB(max)}. It was deleted.`,
      buildMs,
      steps,
    };
  }
  return { ok: true, imageId: imageId ?? info.Id, buildMs, steps, sizeBytes: info.Size };
}

/**
 * Deletes the cache records of this build's RUN steps (best effort; see `pruneRunRecords`). After a
 * stopped build, BuildKit may still be committing (or holding) the step's record for a moment, so
 * `settleMs` keeps trying until one is deleted or the time is up; a step that was really cut off
 * leaves no record and costs the whole wait, which only stopped builds pay.
 */
async function pruneRunSteps(docker: Docker, steps: readonly BuildStep[], since: number, settleMs = 0): Promise<void> {
  const commands = steps.flatMap((s) => /^\[[^\]]*\] RUN (.+)$/.exec(s.name)?.slice(1) ?? []);
  const deadline = performance.now() + settleMs;
  for (;;) {
    const pruned = await pruneRunRecords(docker, { since, commands }).catch(() => null);
    // An engine that cannot list its cache (gone, or too old) will not answer better on a retry.
    if (pruned === null || pruned > 0 || performance.now() >= deadline) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function failureMessage(tracker: ReturnType<typeof createStepTracker>, daemonError: string): string {
  const failed = tracker.failedStep();
  // Errors from before any step ran (Dockerfile parse, unknown stage) carry frontend plumbing.
  if (!failed) return daemonError.replace(/^failed to solve with frontend dockerfile\.v0: (failed to create LLB definition: )?/, "");
  const tail = tracker.lastLines(failed.id, FAILURE_TAIL_LINES);
  const error = failed.error ?? daemonError;
  const head = `Step #${failed.number} ${failed.name} failed: ${error}`;
  const hint = limitHint(error, tail);
  return [head, hint, tail.length > 0 ? `Last output:\n${tail.join("\n")}` : ""].filter(Boolean).join("\n");
}

/**
 * The cgroup caps (cgroup-limits.ts) surface as plain exit codes and shell errors; name the limit
 * so a learner whose build hit it knows it was the sandbox, not their Dockerfile syntax.
 */
export function limitHint(error: string, tail: string[]): string | undefined {
  if (/exit code: 137\b/.test(error)) {
    return "The step was killed (exit code 137): it most likely used more memory than the sandbox allows.";
  }
  if (tail.some((l) => /can't fork|Resource temporarily unavailable|fork: retry/i.test(l))) {
    return "The step could not start more processes: it hit the sandbox's process limit.";
  }
  return undefined;
}

/**
 * After BuildKit clips a step's output it sends nothing more for it, so a `RUN yes` would never
 * reach the total cap and would hold the build slot until the timeout. The clip is therefore
 * treated as the output limit: the build stops at once, even if the step would have ended.
 * `limit` is BuildKit's wording ("200KiB/s", "1MiB"); the learner gets the amount.
 */
export function clipMessage(stepNumber: number | undefined, limit: string): string {
  const m = /^(\d+(?:\.\d+)?)\s*([KMG]i?B)(?:\/s)?$/.exec(limit.trim());
  const amount = m ? `more than ${m[1]} ${m[2]} of output` : "more output than BuildKit keeps for one step";
  const who = stepNumber === undefined ? "A step" : `Step #${stepNumber}`;
  return `${who} printed ${amount} and was stopped by the sandbox, which ended the build; send less output, e.g. redirect verbose tools to a file or use quiet flags.`;
}

type Modem = {
  dial(
    options: {
      path: string;
      method: string;
      file: Buffer;
      options: Record<string, string>;
      abortSignal: AbortSignal;
      isStream: true;
      statusCodes: Record<number, true | string>;
    },
    callback: (err: unknown, res: IncomingMessage) => void,
  ): void;
};

function dialBuild(docker: Docker, context: Buffer, query: Record<string, string>, signal: AbortSignal): Promise<IncomingMessage> {
  const modem = (docker as unknown as { modem: Modem }).modem;
  return new Promise((resolve, reject) => {
    modem.dial(
      {
        path: "/build?",
        method: "POST",
        file: context,
        // A copy: docker-modem deletes keys from the object it is given.
        options: { ...query },
        abortSignal: signal,
        isStream: true,
        statusCodes: { 200: true, 400: "bad parameter", 500: "server error" },
      },
      (err, res) => (err ? reject(err) : resolve(res)),
    );
  });
}

/** Reads the response to its end. Resolves on a clean end; rejects if the connection drops. */
function consume(res: IncomingMessage, onLine: (line: string) => void): Promise<void> {
  const lines = createLineSplitter(onLine);
  return new Promise((resolve, reject) => {
    let ended = false;
    res.on("data", (chunk: Buffer) => lines.push(chunk));
    res.on("end", () => {
      ended = true;
      lines.end();
      resolve();
    });
    res.on("error", reject);
    res.on("close", () => {
      if (!ended) reject(Object.assign(new Error("connection to the engine closed mid-build"), { code: "ECONNRESET" }));
    });
  });
}

/** An HTTP error answered before streaming (e.g. 400 for a bad parameter), as text. */
function httpRejection(err: unknown): string | null {
  const e = err as { statusCode?: unknown; json?: { message?: unknown } | null; reason?: unknown; message?: unknown };
  if (typeof e?.statusCode !== "number") return null;
  const detail = typeof e.json?.message === "string" ? e.json.message : String(e.message ?? e.reason ?? "");
  return `The engine refused the build (HTTP ${e.statusCode}): ${detail}`;
}

const formatMiB = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(bytes < 10 * 1024 * 1024 ? 1 : 0)} MiB`;
