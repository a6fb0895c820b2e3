/**
 * One run, start to finish: admission → disk watermark → build context → build → image report →
 * checks → cleanup. Used by the WebSocket server and by `scripts/lessons-verify.ts` alike, so it
 * knows nothing about sockets or the database: it reports through `emit` and returns the outcome.
 *
 * Terminal states (documented here because the page, the database and the verifier rely on them):
 * - `passed`    the image was built and every check passed.
 * - `failed`    the learner's Dockerfile did not make it: the build failed (`build_failed`) or it
 *               built and at least one check did not pass.
 * - `cancelled` the learner cancelled (or closed the page) while it ran.
 * - `interrupted` the runner shut down while it ran (abort reason "shutdown").
 * - `error`     the sandbox refused or could not finish the run, with a code: dockerfile_invalid
 *               (only the text is wrong: empty, over the size caps, does not parse, no FROM) or
 *               admission_rejected (uses something the sandbox does not allow), both with
 *               `problems` (except an empty file) so the page can mark lines; disk_low,
 *               engine_unavailable, timeout, log_limit, image_too_large, internal. These end the run
 *               without grading, because the checks would only repeat "it did not build".
 *
 * Every phase that waits on the engine is bounded (SANDBOX_LIMITS.engine) and gives up as soon as
 * the run is cancelled: an engine that accepts connections but never answers ends the run as
 * `error`/`engine_unavailable` instead of holding the build slot forever.
 */
import { randomBytes } from "node:crypto";
import type { Admission, DockerfileModel } from "../../lib/dockerfile/index";
import type { CheckResult } from "../../lib/checks";
import { allPassed } from "../../lib/checks";
import type { Exercise } from "../../lib/lessons/schema";
import type { BuildStep, ErrorCode, Problem, RunState, ServerMessage } from "../../lib/protocol";
import { createPlainRenderer, sanitizeTerminalText, terminalText } from "../../lib/progress-render";
import type { ImageReport } from "../../lib/report";
import type { BuildOutcome } from "./build-backend";
import { isEngineDown } from "./engine";
import { SANDBOX_LIMITS } from "./limits";
import { LogBatcher } from "./run-log";

/** Everything a run needs from the outside world; the real one talks to Docker, tests use fakes. */
export type PipelineDeps = {
  admit(dockerfile: string): Admission;
  /**
   * Free bytes on the engine's data disk, or null when it cannot be measured from here. The signal
   * aborts when the run is cancelled or the call took too long; drop the request then.
   */
  freeDiskBytes(signal: AbortSignal): Promise<number | null>;
  makeContext(exercise: Exercise, dockerfile: string): Promise<Buffer>;
  build(opts: {
    context: Buffer;
    tag: string;
    signal: AbortSignal;
    onStep(step: BuildStep): void;
    onLog(e: { stepId?: string; stream: "stdout" | "stderr"; chunk: string }): void;
  }): Promise<BuildOutcome>;
  report(tag: string, model: DockerfileModel, steps: BuildStep[]): Promise<ImageReport>;
  checks(
    ctx: { imageRef: string | null; report: ImageReport | null; build: BuildOutcome; model: DockerfileModel; linkBase: string },
    specs: Exercise["checks"],
  ): Promise<CheckResult[]>;
  /** Deletes the run's image and prunes the build cache; must tolerate "nothing there". */
  cleanup(tag: string): Promise<void>;
  /** Where operational notes go (not to the learner). @default console.warn */
  warn?(message: string, err?: unknown): void;
  /** How long each phase may wait on the engine. @default from SANDBOX_LIMITS (see `phaseTimeouts`) */
  timeouts?: Partial<PhaseTimeouts>;
};

/** Upper bounds on each phase that waits on the engine, in milliseconds. */
export type PhaseTimeouts = {
  /** `freeDiskBytes` and the image report: a few short API calls. */
  call: number;
  /** The whole `build` call, including its own wall-clock limit and the image inspect after it. */
  build: number;
  checks: number;
  cleanup: number;
};

/** The build limits `createEnginePipeline` and `startRunner` let a caller (a test) shorten. */
export type BuildLimits = { timeoutMs: number; logCapBytes: number; maxImageBytes: number };

/** Phase bounds for a build wall-clock limit of `buildTimeoutMs`. */
export function phaseTimeouts(buildTimeoutMs: number = SANDBOX_LIMITS.build.timeoutMs): PhaseTimeouts {
  const e = SANDBOX_LIMITS.engine;
  // The build stops itself at its limit; the extra call bound covers the abort taking effect and
  // the image inspect that follows a clean end of the stream.
  return { call: e.callTimeoutMs, build: buildTimeoutMs + e.callTimeoutMs, checks: e.checksTimeoutMs, cleanup: e.cleanupTimeoutMs };
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

export type RunRequest = {
  runId: string;
  learnerId: string;
  exercise: Exercise;
  dockerfile: string;
  signal: AbortSignal;
  emit(message: ServerMessage): void;
};

export type RunOutcome = {
  state: RunState;
  durationMs: number;
  buildMs?: number;
  errorCode?: ErrorCode;
  errorMessage?: string;
  problems?: Problem[];
  report?: ImageReport;
  checks?: CheckResult[];
  /**
   * The run's terminal text as the page showed it live (step headers, output, notes, the error and
   * the outcome line; see `terminalText`), its last `STORED_LOG_BYTES` characters.
   */
  log: string;
  /**
   * The run's image tag, once one was chosen (the image itself is deleted before the run returns).
   * Not stored: it lets tests on a shared engine check for their own leftovers.
   */
  imageTag?: string;
};

/** Abort reason the server uses on SIGTERM; any other reason counts as the learner cancelling. */
export const SHUTDOWN_REASON = "shutdown";
/** How much build output a run returns for its Submission (db/ caps it again, keeping the tail). */
export const STORED_LOG_BYTES = 256 * 1024;

/** An image tag nobody can guess, so no other learner can `FROM` or `COPY --from` it (DESIGN §4). */
export function runImageTag(): string {
  return `stagecraft-run/${randomBytes(16).toString("hex")}:latest`;
}

const BUILD_ERROR_CODES: Record<Exclude<BuildOutcome, { ok: true }>["code"], ErrorCode | null> = {
  build_failed: null, // graded: the learner's Dockerfile failed
  timeout: "timeout",
  log_limit: "log_limit",
  image_too_large: "image_too_large",
  engine_unavailable: "engine_unavailable",
  cancelled: null,
};


export async function executeRun(deps: PipelineDeps, req: RunRequest): Promise<RunOutcome> {
  const started = Date.now();
  const warn = deps.warn ?? ((m: string, e?: unknown) => console.warn(`[run ${req.runId}] ${m}`, e ?? ""));
  const timeouts: PhaseTimeouts = { ...phaseTimeouts(), ...deps.timeouts };
  // The stored log is the terminal's text and keeps the tail: that is where a build's error is.
  const renderer = createPlainRenderer();
  let transcript = "";
  const emit = (message: ServerMessage) => {
    transcript += terminalText(renderer, message);
    if (transcript.length > 2 * STORED_LOG_BYTES) transcript = transcript.slice(-STORED_LOG_BYTES);
    req.emit(message);
  };
  const batcher = new LogBatcher(SANDBOX_LIMITS.socket.logFlushMs, (e) => emit({ type: "log", runId: req.runId, ...e }));
  // Non-log messages flush pending output first so the page sees logs before the step they end.
  const send = (message: ServerMessage) => {
    batcher.flush();
    emit(message);
  };
  /** One phase that waits on the engine: bounded in time, and over as soon as the run is stopped. */
  const phase = <T>(name: string, ms: number | null, work: (signal: AbortSignal) => Promise<T>, graceMs?: number) =>
    bounded(name, work, { ms, stop: req.signal, ...(graceMs !== undefined && { graceMs }) });
  const note = (chunk: string) => batcher.push({ stream: "runner", chunk: chunk.endsWith("\n") ? chunk : `${chunk}\n` });

  let buildMs: number | undefined;
  let tag: string | null = null;
  const finish = (o: Omit<RunOutcome, "durationMs" | "log" | "buildMs" | "imageTag">): RunOutcome => {
    const outcome: RunOutcome = {
      ...o,
      durationMs: Date.now() - started,
      log: "",
      ...(buildMs !== undefined && { buildMs }),
      ...(tag !== null && { imageTag: tag }),
    };
    if (o.errorCode) {
      send({
        type: "error",
        runId: req.runId,
        code: o.errorCode,
        message: o.errorMessage ?? o.errorCode,
        ...(o.problems && { problems: o.problems }),
      });
    }
    return outcome;
  };
  const stopped = (): RunOutcome =>
    finish({ state: req.signal.reason === SHUTDOWN_REASON ? "interrupted" : "cancelled" });

  let outcome: RunOutcome;
  try {
    outcome = await (async (): Promise<RunOutcome> => {
      if (req.signal.aborted) return stopped();
      if (req.dockerfile.trim() === "") {
        return finish({ state: "error", errorCode: "dockerfile_invalid", errorMessage: "The Dockerfile is empty." });
      }
      const admission = deps.admit(req.dockerfile);
      if (!admission.ok) {
        // One problem reads in full; several are summed up with the first, since every problem
        // also travels in `problems` (the page lists them and marks their lines).
        const [first, ...rest] = admission.problems.map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message));
        const listed = rest.length === 0 ? first : `${rest.length + 1} problems; the first is ${first}`;
        // `dockerfile_invalid` only when nothing but the text itself is wrong. Once a sandbox rule
        // is broken too, that is the refusal to name: a course rule's message is the helpful one
        // (`COPY --from=$SRC` also trips the parser, but "write the stage name" is the fix).
        // Every problem travels either way, so the page marks all lines.
        const invalid = admission.problems.every(isInvalidText);
        return finish({
          state: "error",
          errorCode: invalid ? "dockerfile_invalid" : "admission_rejected",
          errorMessage: invalid
            ? `This Dockerfile cannot be read: ${listed}`
            : `The sandbox will not build this Dockerfile: ${listed}`,
          problems: admission.problems,
        });
      }

      const free = await phase("checking free disk space", timeouts.call, (signal) => deps.freeDiskBytes(signal));
      if (free !== null && free < SANDBOX_LIMITS.build.minFreeDiskBytes) {
        return finish({
          state: "error",
          errorCode: "disk_low",
          errorMessage: "The sandbox is low on disk space, so nothing was built. Try again later.",
        });
      }
      if (req.signal.aborted) return stopped();

      const context = await phase("preparing the build context", null, () => deps.makeContext(req.exercise, req.dockerfile));
      tag = runImageTag();
      note("Building in the sandbox (no network; base images from the course catalog).");
      const steps = new Map<string, BuildStep>();
      const runTag = tag;
      // The build stops itself when cancelled and then says which steps it interrupted: give it
      // a short grace before giving up on it.
      const build = await phase(
        "building",
        timeouts.build,
        () =>
          deps.build({
            context,
            tag: runTag,
            signal: req.signal,
            onStep: (step) => {
              steps.set(step.id, step);
              send({ type: "step", runId: req.runId, step });
            },
            // The backend sanitises per stream; this is the last line of defence before the socket.
            onLog: (e) => batcher.push({ ...e, chunk: sanitizeTerminalText(e.chunk) }),
          }),
        timeouts.call,
      );
      buildMs = build.buildMs;

      if (!build.ok) {
        if (build.code === "cancelled" || req.signal.aborted) return stopped();
        const code = BUILD_ERROR_CODES[build.code];
        if (code) return finish({ state: "error", errorCode: code, errorMessage: build.message });
        note(build.message);
        // A failed build is graded: "build-succeeds" and friends say what went wrong.
        const checks = await phase("grading", timeouts.checks, () =>
          deps.checks(
            { imageRef: null, report: null, build, model: admission.model, linkBase: linkBase(req.exercise) },
            req.exercise.checks,
          ),
        );
        send({ type: "checks", runId: req.runId, results: checks });
        return finish({ state: "failed", checks });
      }

      const report = await phase("reading the image report", timeouts.call, () => deps.report(runTag, admission.model, build.steps));
      send({ type: "report", runId: req.runId, report });
      if (req.signal.aborted) return stopped();
      const checks = await phase("grading", timeouts.checks, () =>
        deps.checks(
          { imageRef: runTag, report, build, model: admission.model, linkBase: linkBase(req.exercise) },
          req.exercise.checks,
        ),
      );
      if (req.signal.aborted) return stopped();
      send({ type: "checks", runId: req.runId, results: checks });
      return finish({ state: allPassed(checks) ? "passed" : "failed", report, checks });
    })();
  } catch (err) {
    if (req.signal.aborted) {
      outcome = stopped();
    } else if (err instanceof EngineTimeoutError) {
      warn(`engine timeout: ${err.message}`);
      outcome = finish({
        state: "error",
        errorCode: "engine_unavailable",
        errorMessage:
          `The Docker engine is not answering (nothing for ${Math.round(err.ms / 1000)} s while ${err.phase}), so the run ` +
          "was stopped. Try again in a minute; if it keeps happening, tell the course staff.",
      });
    } else {
      warn("run failed inside the runner", err);
      const engineDown = isEngineDown(err);
      outcome = finish({
        state: "error",
        errorCode: engineDown ? "engine_unavailable" : "internal",
        errorMessage: engineDown
          ? "The Docker engine is not reachable right now, so the run could not finish. Try again in a minute."
          : "Something went wrong inside the sandbox runner; the run was stopped. Try again.",
      });
    }
  } finally {
    // Always, even after a cancel: the image holds the learner's files and the cache holds their
    // layers (DESIGN §3-4). Bounded: a hung engine must not keep the build slot; what a timed-out
    // cleanup leaves is removed by the next start-up sweep.
    const cleanupTag = tag;
    if (cleanupTag) {
      await bounded("cleaning up", () => deps.cleanup(cleanupTag), { ms: timeouts.cleanup }).catch((err: unknown) =>
        warn(`cleanup of ${cleanupTag} failed`, err),
      );
    }
  }

  batcher.flush();
  batcher.stop();
  const finished: ServerMessage = {
    type: "finished",
    runId: req.runId,
    state: outcome.state,
    durationMs: outcome.durationMs,
    ...(outcome.buildMs !== undefined && { buildMs: outcome.buildMs }),
  };
  emit(finished);
  outcome.log = transcript.slice(-STORED_LOG_BYTES);
  return outcome;
}

/**
 * Admission rules that mean "not a usable Dockerfile": empty, over the size caps, a parse error,
 * no `FROM`. Everything else is a sandbox rule. A refusal is `dockerfile_invalid` when all its
 * problems are of this kind, else `admission_rejected`.
 */
const INVALID_TEXT_RULES: ReadonlySet<string> = new Set([
  "empty",
  "too-large",
  "too-many-lines",
  "line-too-long",
  "continuation-too-long",
  "no-from",
]);

export function isInvalidText(problem: Problem): boolean {
  return INVALID_TEXT_RULES.has(problem.rule) || problem.rule.startsWith("syntax/");
}

function linkBase(exercise: Exercise): string {
  return `/lessons/${exercise.lessonSlug}`;
}

/**
 * The real pipeline on a Docker engine. The modules are imported lazily so unit tests (which use
 * fakes) and tools that never build do not load dockerode-heavy code.
 */
export async function createEnginePipeline(
  docker: import("./engine").Docker,
  opts: {
    warn?: PipelineDeps["warn"];
    /** Shorter build limits, for tests. @default SANDBOX_LIMITS.build */
    build?: Partial<BuildLimits>;
  } = {},
): Promise<PipelineDeps> {
  const [dockerfile, catalog, backend, context, report, checks, cleanup, disk] = await Promise.all([
    import("../../lib/dockerfile/index"),
    import("../../lib/image-catalog"),
    import("./build-backend"),
    import("./build-context"),
    import("./image-report"),
    import("./checks/index"),
    import("./cleanup"),
    import("node:fs/promises"),
  ]);
  const limits = SANDBOX_LIMITS;
  const build: BuildLimits = {
    timeoutMs: opts.build?.timeoutMs ?? limits.build.timeoutMs,
    logCapBytes: opts.build?.logCapBytes ?? limits.build.logCapBytes,
    maxImageBytes: opts.build?.maxImageBytes ?? limits.build.maxImageBytes,
  };
  return {
    admit: (text) =>
      dockerfile.admitDockerfile(text, {
        maxBytes: limits.dockerfile.maxBytes,
        maxLines: limits.dockerfile.maxLines,
        allowedImages: (ref: string) => catalog.findCatalogImage(ref) !== undefined,
      }),
    async freeDiskBytes(signal) {
      // The engine's data root is where layers and build cache land; measured from this host,
      // which assumes the runner shares the engine's filesystem (true for a local socket).
      // dockerode's typings omit the options argument; `abortSignal` drops the request.
      const info = (await (docker.info as (o: { abortSignal: AbortSignal }) => Promise<unknown>).call(docker, {
        abortSignal: signal,
      })) as { DockerRootDir?: string };
      if (!info.DockerRootDir) return null;
      try {
        const fs = await disk.statfs(info.DockerRootDir);
        return fs.bavail * fs.bsize;
      } catch {
        return null; // not visible from here (remote engine, no permission): not enforced
      }
    },
    makeContext: (exercise, text) => context.makeBuildContext(exercise, text),
    build: (o) => backend.runBuild({ docker, ...o, ...build }),
    report: (tag, model, steps) => report.buildImageReport(docker, tag, model, steps),
    checks: (ctx, specs) => checks.runChecks({ docker, ...ctx }, specs),
    async cleanup(tag) {
      await cleanup.cleanupImage(docker, tag);
      // Bounded, not empty: keeping recent cache lets a learner's rebuild (and the course's
      // cache-ordering lessons) see CACHED steps. Records are content-addressed and cache mounts
      // are refused at admission, so what one learner leaves cannot alter another's build.
      await cleanup.pruneBuildCache(docker, { keepStorageBytes: SANDBOX_LIMITS.build.cacheKeepBytes, all: true });
    },
    ...(opts.warn && { warn: opts.warn }),
    timeouts: phaseTimeouts(build.timeoutMs),
  };
}

/**
 * Start-up sweep for what a crashed or killed runner left behind: check containers (labelled by
 * `container-run.ts`), run images (`stagecraft-run/*`) and the build cache. Returns counts.
 */
export async function removeRunLeftovers(docker: import("./engine").Docker): Promise<{ containers: number; images: number }> {
  const [{ removeLeftoverContainers }, { cleanupImage, pruneBuildCache }] = await Promise.all([
    import("./container-run"),
    import("./cleanup"),
  ]);
  // Containers first: a container still refers to its image.
  const containers = await removeLeftoverContainers(docker);
  const images = await docker.listImages({ filters: { reference: ["stagecraft-run/*"] } });
  let removed = 0;
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) {
      if (tag.startsWith("stagecraft-run/") && (await cleanupImage(docker, tag))) removed += 1;
    }
  }
  await pruneBuildCache(docker, { keepStorageBytes: SANDBOX_LIMITS.build.cacheKeepBytes, all: true });
  return { containers, images: removed };
}
