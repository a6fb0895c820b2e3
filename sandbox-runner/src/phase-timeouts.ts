/**
 * Every phase of a run that waits on the Docker engine is bounded: an engine that accepts
 * connections but never answers must end the run as `error`/`engine_unavailable`, not hold the
 * build slot forever. The bounds come from SANDBOX_LIMITS.engine; `bounded` applies one.
 */
import { SANDBOX_LIMITS } from "./limits";

/** Upper bounds on each phase that waits on the engine, in milliseconds. */
export type PhaseTimeouts = {
  /** `freeDiskBytes` and the image report: a few short API calls. */
  call: number;
  /** The whole `build` call, including its own wall-clock limit and the image inspect after it. */
  build: number;
  /** Grading without variant builds: check containers and their calls. */
  checks: number;
  /**
   * All variant builds of one run (variant-builds.ts), which enforces it itself so a slow build ends
   * as a check result; grading an exercise that uses them is bounded by `checks + variants`.
   */
  variants: number;
  cleanup: number;
};

/** Phase bounds for a build wall-clock limit of `buildTimeoutMs`. */
export function phaseTimeouts(buildTimeoutMs: number = SANDBOX_LIMITS.build.timeoutMs): PhaseTimeouts {
  const e = SANDBOX_LIMITS.engine;
  // The build stops itself at its limit; the extra call bound covers the abort taking effect and
  // the image inspect that follows a clean end of the stream.
  return {
    call: e.callTimeoutMs,
    build: buildTimeoutMs + e.callTimeoutMs,
    checks: e.checksTimeoutMs,
    variants: SANDBOX_LIMITS.variants.totalTimeoutMs,
    cleanup: e.cleanupTimeoutMs,
  };
}

/** The engine did not answer one phase in time; the run ends as `engine_unavailable`. */
export class EngineTimeoutError extends Error {
  constructor(
    readonly phase: string,
    readonly ms: number,
  ) {
    super(`no answer from the Docker engine within ${ms} ms (${phase})`);
    this.name = "EngineTimeoutError";
  }
}

/** The run was cancelled (or the runner is stopping) while a phase waited. */
class RunStoppedError extends Error {
  constructor() {
    super("the run was stopped");
    this.name = "RunStoppedError";
  }
}

/**
 * Waits for `work` at most `ms`, and no longer than `stop` allows (after `graceMs`, for work that
 * stops itself on that signal and should be given the chance to say how it ended). `work` gets a
 * signal that aborts at either, so calls that take one drop their request; calls that do not are
 * left to settle in the background and their result is ignored.
 */
export async function bounded<T>(
  phase: string,
  work: (signal: AbortSignal) => Promise<T>,
  opts: { ms: number | null; stop?: AbortSignal; graceMs?: number },
): Promise<T> {
  const controller = new AbortController();
  const timers: NodeJS.Timeout[] = [];
  let onStop: (() => void) | undefined;
  const limit = new Promise<never>((_, reject) => {
    if (opts.ms !== null) {
      timers.push(
        setTimeout(() => {
          const err = new EngineTimeoutError(phase, opts.ms ?? 0);
          controller.abort(err);
          reject(err);
        }, opts.ms),
      );
    }
    const stop = opts.stop;
    if (!stop) return;
    onStop = () => {
      const give = () => {
        controller.abort(stop.reason);
        reject(new RunStoppedError());
      };
      if (opts.graceMs) timers.push(setTimeout(give, opts.graceMs));
      else give();
    };
    if (stop.aborted) onStop();
    else stop.addEventListener("abort", onStop, { once: true });
  });
  const running = Promise.resolve().then(() => work(controller.signal));
  running.catch(() => undefined); // if the limit wins, a late failure is nobody's business
  try {
    return await Promise.race([running, limit]);
  } finally {
    for (const t of timers) clearTimeout(t);
    if (onStop) opts.stop?.removeEventListener("abort", onStop);
  }
}
