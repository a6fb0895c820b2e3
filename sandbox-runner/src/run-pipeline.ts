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
 * - `error`     the sandbox refused or could not finish the run, with a code: admission_rejected
 *               (with `problems` so the page can mark lines), dockerfile_invalid, disk_low,
 *               engine_unavailable, timeout, log_limit, image_too_large, internal. These end the run
 *               without grading, because the checks would only repeat "it did not build".
 */
import { randomBytes } from "node:crypto";
import type { Admission, DockerfileModel } from "../../lib/dockerfile/index";
import type { CheckResult } from "../../lib/checks";
import { allPassed } from "../../lib/checks";
import type { Exercise } from "../../lib/lessons/schema";
import type { BuildStep, ErrorCode, Problem, RunState, ServerMessage } from "../../lib/protocol";
import { sanitizeTerminalText } from "../../lib/progress-render";
import type { ImageReport } from "../../lib/report";
import type { BuildOutcome } from "./build-backend";
import { isEngineDown } from "./engine";
import { SANDBOX_LIMITS } from "./limits";
import { LogBatcher } from "./run-log";

/** Everything a run needs from the outside world; the real one talks to Docker, tests use fakes. */
export type PipelineDeps = {
  admit(dockerfile: string): Admission;
  /** Free bytes on the engine's data disk, or null when it cannot be measured from here. */
  freeDiskBytes(): Promise<number | null>;
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
};

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
  /** The learner-visible build output, its last `STORED_LOG_BYTES` characters. */
  log: string;
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
  // The stored log keeps the tail: that is where a build's error is.
  let transcript = "";
  const batcher = new LogBatcher(SANDBOX_LIMITS.socket.logFlushMs, (e) => {
    req.emit({ type: "log", runId: req.runId, ...e });
    transcript += e.chunk;
    if (transcript.length > 2 * STORED_LOG_BYTES) transcript = transcript.slice(-STORED_LOG_BYTES);
  });
  // Non-log messages flush pending output first so the page sees logs before the step they end.
  const send = (message: ServerMessage) => {
    batcher.flush();
    req.emit(message);
  };
  const note = (chunk: string) => batcher.push({ stream: "runner", chunk: chunk.endsWith("\n") ? chunk : `${chunk}\n` });

  let buildMs: number | undefined;
  let tag: string | null = null;
  const finish = (o: Omit<RunOutcome, "durationMs" | "log" | "buildMs">): RunOutcome => {
    const outcome: RunOutcome = { ...o, durationMs: Date.now() - started, log: "", ...(buildMs !== undefined && { buildMs }) };
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
        return finish({
          state: "error",
          errorCode: "admission_rejected",
          errorMessage: `The sandbox will not build this Dockerfile: ${admission.problems
            .map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message))
            .join("; ")}`,
          problems: admission.problems,
        });
      }

      const free = await deps.freeDiskBytes();
      if (free !== null && free < SANDBOX_LIMITS.build.minFreeDiskBytes) {
        return finish({
          state: "error",
          errorCode: "disk_low",
          errorMessage: "The sandbox is low on disk space, so nothing was built. Try again later.",
        });
      }
      if (req.signal.aborted) return stopped();

      const context = await deps.makeContext(req.exercise, req.dockerfile);
      tag = runImageTag();
      note("Building in the sandbox (no network; base images from the course catalog).");
      const steps = new Map<string, BuildStep>();
      const build = await deps.build({
        context,
        tag,
        signal: req.signal,
        onStep: (step) => {
          steps.set(step.id, step);
          send({ type: "step", runId: req.runId, step });
        },
        // The backend sanitises per stream; this is the last line of defence before the socket.
        onLog: (e) => batcher.push({ ...e, chunk: sanitizeTerminalText(e.chunk) }),
      });
      buildMs = build.buildMs;

      if (!build.ok) {
        if (build.code === "cancelled" || req.signal.aborted) return stopped();
        const code = BUILD_ERROR_CODES[build.code];
        if (code) return finish({ state: "error", errorCode: code, errorMessage: build.message });
        note(build.message);
        // A failed build is graded: "build-succeeds" and friends say what went wrong.
        const checks = await deps.checks(
          { imageRef: null, report: null, build, model: admission.model, linkBase: linkBase(req.exercise) },
          req.exercise.checks,
        );
        send({ type: "checks", runId: req.runId, results: checks });
        return finish({ state: "failed", checks });
      }

      const report = await deps.report(tag, admission.model, build.steps);
      send({ type: "report", runId: req.runId, report });
      if (req.signal.aborted) return stopped();
      const checks = await deps.checks(
        { imageRef: tag, report, build, model: admission.model, linkBase: linkBase(req.exercise) },
        req.exercise.checks,
      );
      if (req.signal.aborted) return stopped();
      send({ type: "checks", runId: req.runId, results: checks });
      return finish({ state: allPassed(checks) ? "passed" : "failed", report, checks });
    })();
  } catch (err) {
    if (req.signal.aborted) {
      outcome = stopped();
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
    // Always: the image holds the learner's files and the cache holds their layers (DESIGN §3-4).
    if (tag) await deps.cleanup(tag).catch((err: unknown) => warn(`cleanup of ${tag} failed`, err));
  }

  batcher.flush();
  batcher.stop();
  outcome.log = transcript.slice(-STORED_LOG_BYTES);
  req.emit({
    type: "finished",
    runId: req.runId,
    state: outcome.state,
    durationMs: outcome.durationMs,
    ...(outcome.buildMs !== undefined && { buildMs: outcome.buildMs }),
  });
  return outcome;
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
  opts: { warn?: PipelineDeps["warn"] } = {},
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
  return {
    admit: (text) =>
      dockerfile.admitDockerfile(text, {
        maxBytes: limits.dockerfile.maxBytes,
        maxLines: limits.dockerfile.maxLines,
        allowedImages: (ref: string) => catalog.findCatalogImage(ref) !== undefined,
      }),
    async freeDiskBytes() {
      // The engine's data root is where layers and build cache land; measured from this host,
      // which assumes the runner shares the engine's filesystem (true for a local socket).
      const info = (await docker.info()) as { DockerRootDir?: string };
      if (!info.DockerRootDir) return null;
      try {
        const fs = await disk.statfs(info.DockerRootDir);
        return fs.bavail * fs.bsize;
      } catch {
        return null; // not visible from here (remote engine, no permission): not enforced
      }
    },
    makeContext: (exercise, text) => context.makeBuildContext(exercise, text),
    build: (o) =>
      backend.runBuild({
        docker,
        ...o,
        timeoutMs: limits.build.timeoutMs,
        logCapBytes: limits.build.logCapBytes,
      }),
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
