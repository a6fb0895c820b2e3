/**
 * One run, start to finish: admission → disk watermark → build context → build → image report →
 * checks (with the variant builds some of them ask for) → cleanup. Used by the WebSocket server and
 * by `scripts/lessons-verify.ts` alike, so it knows nothing about sockets or the database: it
 * reports through `emit` and returns the outcome.
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
import { sanitizeTerminalText } from "../../lib/progress-render";
import type { BuildInsight } from "../../lib/insight/index";
import type { ImageReport } from "../../lib/report";
import { admissionRefusal } from "./admission-refusal";
import type { BuildOutcome } from "./build-backend";
import { BuildContextError, type ContextEdit } from "./build-context";
import type { VariantBuilder } from "./checks/types";
import { isEngineDown } from "./engine";
import { SANDBOX_LIMITS } from "./limits";
import { bounded, EngineTimeoutError, phaseTimeouts, type PhaseTimeouts } from "./phase-timeouts";
import { createRunOutput, type RunOutput } from "./run-output";
import { createVariantBuilder, usesVariantBuilds, type BaselineMemo, type VariantBuilds } from "./variant-builds";
import { weighStages } from "./insight/stage-weights";

/** What grading sees of a run (`CheckContext` minus the engine handle, which the real deps add). */
export type GradingContext = {
  imageRef: string | null;
  report: ImageReport | null;
  build: BuildOutcome;
  model: DockerfileModel;
  linkBase: string;
  exercise: Exercise;
  /** Extra builds for rebuild-cache, size-ratio and targets (see variant-builds.ts). */
  variants: VariantBuilder;
  /** A runner note in the learner's terminal. */
  note(text: string): void;
};

/** Everything a run needs from the outside world; the real one talks to Docker, tests use fakes. */
export type PipelineDeps = {
  admit(dockerfile: string): Admission;
  /**
   * Free bytes on the engine's data disk, or null when it cannot be measured from here. The signal
   * aborts when the run is cancelled or the call took too long; drop the request then.
   */
  freeDiskBytes(signal: AbortSignal): Promise<number | null>;
  /** Below this many free bytes no build starts (`disk_low`). @default SANDBOX_LIMITS.build.minFreeDiskBytes */
  minFreeDiskBytes?: number;
  /** The context tar; `edits` (variant builds only) append text to context files. */
  makeContext(exercise: Exercise, dockerfile: string, edits?: readonly ContextEdit[]): Promise<Buffer>;
  build(opts: {
    context: Buffer;
    tag: string;
    /** `--target`, for variant builds. @default the last stage */
    target?: string;
    signal: AbortSignal;
    onStep(step: BuildStep): void;
    onLog(e: { stepId?: string; stream: "stdout" | "stderr"; chunk: string }): void;
  }): Promise<BuildOutcome>;
  report(tag: string, model: DockerfileModel, steps: BuildStep[]): Promise<ImageReport>;
  checks(ctx: GradingContext, specs: Exercise["checks"]): Promise<CheckResult[]>;
  /**
   * Build insight (layers, waste, comparison) of a graded image, read before cleanup removes it.
   * `variants` builds the starter and solution when they are not remembered. May throw: the
   * pipeline turns that into a note, never into a different outcome. @default no insight
   */
  insight?(req: {
    tag: string;
    model: DockerfileModel;
    dockerfile: string;
    exercise: Exercise;
    variants: VariantBuilder;
    signal: AbortSignal;
  }): Promise<BuildInsight>;
  /**
   * Deletes the run's image and its variant builds' images, then prunes the build cache; must
   * tolerate "nothing there" (a variant that failed or was stopped left no image).
   */
  cleanup(tag: string, variantTags: readonly string[]): Promise<void>;
  /**
   * Told of a run whose cleanup failed or whose engine went away mid-run (`engine_unavailable`):
   * its images and the cache records it made since `since` are left on the engine until `settle`.
   */
  deferCleanup?(leftover: { tags: string[]; since: Date }): void;
  /**
   * Removes what deferred runs left, once the engine answers again; called before each run's
   * build. Keeps what it could not remove for the next time. Must not throw for an engine still down.
   */
  settle?(signal: AbortSignal): Promise<void>;
  /** Prefix of run image tags (`runTagPrefix`). @default "stagecraft-run/" */
  tagPrefix?: string;
  /** Starter baselines remembered across runs (see `BaselineMemo`). @default none: every run builds its own */
  baselines?: BaselineMemo;
  /** Where operational notes go (not to the learner). @default console.warn */
  warn?(message: string, err?: unknown): void;
  /** How long each phase may wait on the engine. @default from SANDBOX_LIMITS (see `phaseTimeouts`) */
  timeouts?: Partial<PhaseTimeouts>;
  /**
   * Weigh the builder stages after grading (cached `--target` builds) for the stage graph, within
   * these bounds (`SANDBOX_LIMITS.insight`). @default not weighed
   */
  stageWeights?: { stageWeightsMs: number; maxWeighedStages: number };
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
  /** The tags of the run's variant builds (their images are deleted too), for the same tests. */
  variantTags?: string[];
  /** The tags of the build insight's builds (starter, solution, weighed stages; deleted too), likewise. */
  insightTags?: string[];
};

/** Abort reason the server uses on SIGTERM; any other reason counts as the learner cancelling. */
export const SHUTDOWN_REASON = "shutdown";

/** An image tag nobody can guess, so no other learner can `FROM` or `COPY --from` it (DESIGN §4). */
export function runImageTag(prefix = "stagecraft-run/"): string {
  return `${prefix}${randomBytes(16).toString("hex")}:latest`;
}

const BUILD_ERROR_CODES: Record<FailedBuild["code"], ErrorCode | null> = {
  build_failed: null, // graded: the learner's Dockerfile failed
  timeout: "timeout",
  log_limit: "log_limit",
  image_too_large: "image_too_large",
  engine_unavailable: "engine_unavailable",
  cancelled: null,
};

type FailedBuild = Exclude<BuildOutcome, { ok: true }>;
/** What a phase decides about how the run ends; `finish` adds the timings, tag and log. */
type Ending = Omit<RunOutcome, "durationMs" | "log" | "buildMs" | "imageTag">;

/** A run in progress: what its phases share. `tag` and `buildMs` are filled in as it goes. */
type ActiveRun = {
  deps: PipelineDeps;
  req: RunRequest;
  timeouts: PhaseTimeouts;
  output: RunOutput;
  tag: string | null;
  buildMs?: number;
  /** Created when grading starts; its images are removed with the run's. */
  variants: VariantBuilds | null;
  /** The starter and solution builds of the insight phase, removed the same way. */
  insightVariants: VariantBuilds | null;
  /** The `--target` builds that weigh stages for the stage graph; removed with the run's images. */
  stageBuilds: VariantBuilds | null;
  /** One phase that waits on the engine: bounded in time, and over as soon as the run is stopped. */
  phase<T>(name: string, ms: number | null, work: (signal: AbortSignal) => Promise<T>, graceMs?: number): Promise<T>;
  /** The outcome for `ending`; an error ending also goes to the page as an `error` message. */
  finish(ending: Ending): RunOutcome;
  /** Cancelled by the learner, or interrupted by a shutdown. */
  stopped(): RunOutcome;
};

export async function executeRun(deps: PipelineDeps, req: RunRequest): Promise<RunOutcome> {
  const started = Date.now();
  const warn = deps.warn ?? ((m: string, e?: unknown) => console.warn(`[run ${req.runId}] ${m}`, e ?? ""));
  const run: ActiveRun = {
    deps,
    req,
    timeouts: { ...phaseTimeouts(), ...deps.timeouts },
    output: createRunOutput(req.runId, req.emit),
    tag: null,
    variants: null,
    insightVariants: null,
    stageBuilds: null,
    phase: (name, ms, work, graceMs) =>
      bounded(name, work, { ms, stop: req.signal, ...(graceMs !== undefined && { graceMs }) }),
    finish: (o) => {
      const outcome: RunOutcome = {
        ...o,
        durationMs: Date.now() - started,
        log: "",
        ...(run.buildMs !== undefined && { buildMs: run.buildMs }),
        ...(run.tag !== null && { imageTag: run.tag }),
        ...(run.variants && run.variants.tags.length > 0 && { variantTags: [...run.variants.tags] }),
        ...(insightTagsOf(run).length > 0 && { insightTags: insightTagsOf(run) }),
      };
      if (o.errorCode) {
        const { errorCode: code, errorMessage, problems } = o;
        run.output.send({ type: "error", runId: req.runId, code, message: errorMessage ?? code, ...(problems && { problems }) });
      }
      return outcome;
    },
    stopped: () => run.finish({ state: req.signal.reason === SHUTDOWN_REASON ? "interrupted" : "cancelled" }),
  };

  let outcome: RunOutcome;
  try {
    outcome = await admitAndBuild(run);
  } catch (err) {
    outcome = req.signal.aborted ? run.stopped() : run.finish(unexpectedEnding(err, warn));
  } finally {
    // Always, even after a cancel: the image holds the learner's files and the cache holds their
    // layers (DESIGN §3-4). Bounded: a hung engine must not keep the build slot; what a failed
    // cleanup leaves (or a run the engine dropped made) is deferred to `settle` before the next
    // run, and the next start-up sweep removes what is still left then.
    const cleanupTag = run.tag;
    if (cleanupTag) {
      const builders = [run.variants, run.insightVariants, run.stageBuilds];
      const extraTags = () => [...(run.variants?.tags ?? []), ...insightTagsOf(run)];
      const defer = () => deps.deferCleanup?.({ tags: [cleanupTag, ...extraTags()], since: new Date(started) });
      const cleanup = async () => {
        // A variant build stopped mid-way (cancel, grading timeout) may still be unwinding and
        // could create its image after a removal ran; let it settle first.
        await Promise.all(builders.map((b) => b?.idle()));
        await deps.cleanup(cleanupTag, extraTags());
      };
      await bounded("cleaning up", cleanup, { ms: run.timeouts.cleanup }).then(
        () => void (outcome!.errorCode === "engine_unavailable" && defer()),
        (err: unknown) => {
          warn(`cleanup of ${cleanupTag} failed; it is retried before the next run`, err);
          defer();
        },
      );
    }
  }

  outcome.log = run.output.end({
    type: "finished",
    runId: req.runId,
    state: outcome.state,
    durationMs: outcome.durationMs,
    ...(outcome.buildMs !== undefined && { buildMs: outcome.buildMs }),
  });
  return outcome;
}

/** The checks that need no engine (the text, the disk watermark), then the build. */
async function admitAndBuild(run: ActiveRun): Promise<RunOutcome> {
  const { deps, req } = run;
  if (req.signal.aborted) return run.stopped();
  if (req.dockerfile.trim() === "") {
    return run.finish({ state: "error", errorCode: "dockerfile_invalid", errorMessage: "The Dockerfile is empty." });
  }
  const admission = deps.admit(req.dockerfile);
  if (!admission.ok) return run.finish({ state: "error", ...admissionRefusal(admission.problems) });

  if (deps.settle) {
    await run.phase("removing what an earlier run left", run.timeouts.cleanup, (signal) => deps.settle!(signal)).catch((err: unknown) =>
      (deps.warn ?? console.warn)("removing an earlier run's leftovers failed", err),
    );
    if (req.signal.aborted) return run.stopped();
  }
  const free = await run.phase("checking free disk space", run.timeouts.call, (signal) => deps.freeDiskBytes(signal));
  if (free !== null && free < (deps.minFreeDiskBytes ?? SANDBOX_LIMITS.build.minFreeDiskBytes)) {
    return run.finish({
      state: "error",
      errorCode: "disk_low",
      errorMessage: "The sandbox is low on disk space, so nothing was built. Try again later.",
    });
  }
  if (req.signal.aborted) return run.stopped();
  return buildAndGrade(run, admission.model);
}

async function buildAndGrade(run: ActiveRun, model: DockerfileModel): Promise<RunOutcome> {
  const { deps, req, timeouts, output } = run;
  const context = await run.phase("preparing the build context", null, () => deps.makeContext(req.exercise, req.dockerfile));
  const tag = runImageTag(deps.tagPrefix);
  run.tag = tag;
  output.note("Building in the sandbox (no network; base images from the course catalog).");
  // The build stops itself when cancelled and then says which steps it interrupted: give it
  // a short grace before giving up on it.
  const build = await run.phase(
    "building",
    timeouts.build,
    () =>
      deps.build({
        context,
        tag,
        signal: req.signal,
        onStep: (step) => output.send({ type: "step", runId: req.runId, step }),
        // The backend sanitises per stream; this is the last line of defence before the socket.
        onLog: (e) => output.log({ ...e, chunk: sanitizeTerminalText(e.chunk) }),
      }),
    timeouts.call,
  );
  run.buildMs = build.buildMs;
  if (!build.ok) return endFailedBuild(run, build, model);

  const report = await run.phase("reading the image report", timeouts.call, () => deps.report(tag, model, build.steps));
  output.send({ type: "report", runId: req.runId, report });
  if (req.signal.aborted) return run.stopped();
  const checks = await grade(run, { imageRef: tag, report, build, model });
  if (req.signal.aborted) return run.stopped();
  output.send({ type: "checks", runId: req.runId, results: checks });
  const weighed = await weighStagesOf(run, report);
  if (req.signal.aborted) return run.stopped();
  if (weighed !== report) output.send({ type: "report", runId: req.runId, report: weighed });
  const insight = await readInsight(run, tag, model);
  if (insight) output.send({ type: "insight", runId: req.runId, insight });
  return run.finish({ state: allPassed(checks) ? "passed" : "failed", report: insight ? { ...weighed, insight } : weighed, checks });
}

/** The tags of the insight's builds: the comparison's starter and solution, and the weighed stages. */
function insightTagsOf(run: ActiveRun): string[] {
  return [...(run.insightVariants?.tags ?? []), ...(run.stageBuilds?.tags ?? [])];
}

/**
 * Build insight, after grading: the grade is settled and sent, so a failure, a timeout or a cancel
 * here only costs the views (null: the run ends with its grade and no insight).
 */
async function readInsight(run: ActiveRun, tag: string, model: DockerfileModel): Promise<BuildInsight | null> {
  const { deps, req, output } = run;
  if (!deps.insight || req.signal.aborted) return null;
  const insight = deps.insight;
  try {
    return await run.phase("reading build insight", SANDBOX_LIMITS.insight.totalTimeoutMs + run.timeouts.call, (signal) => {
      run.insightVariants = createVariantBuilder({
        deps,
        exercise: req.exercise,
        dockerfile: req.dockerfile,
        signal,
        budgetMs: SANDBOX_LIMITS.insight.buildBudgetMs,
        note: (text) => output.note(sanitizeTerminalText(text)),
        newTag: runImageTag,
        purpose: "the build insight",
        ...(deps.baselines && { memo: deps.baselines }),
      });
      return insight({ tag, model, dockerfile: req.dockerfile, exercise: req.exercise, variants: run.insightVariants, signal });
    });
  } catch (err) {
    (deps.warn ?? console.warn)(`build insight failed for run ${req.runId}`, err);
    return null;
  }
}

/**
 * The report with its builder stages weighed (see insight/stage-weights.ts), or the report as it
 * was when weighing is off or could not be done at all: the stage graph is extra, never a reason
 * for a run to fail.
 */
async function weighStagesOf(run: ActiveRun, report: ImageReport): Promise<ImageReport> {
  const { deps, req, timeouts, output } = run;
  const limits = deps.stageWeights;
  if (!limits || !report.stages.some((s) => s.built && s !== report.stages.at(-1))) return report;
  try {
    const stageWeights = await run.phase("weighing the stages", limits.stageWeightsMs + timeouts.call, (signal) => {
      const builder = createVariantBuilder({
        deps,
        exercise: req.exercise,
        dockerfile: req.dockerfile,
        signal,
        budgetMs: limits.stageWeightsMs,
        note: () => undefined, // one note for all of them, below
        newTag: runImageTag,
      });
      run.stageBuilds = builder;
      return weighStages({
        dockerfile: req.dockerfile,
        report,
        buildTarget: (target) => builder.build({ label: `the ${target} stage on its own`, target }),
        maxStages: limits.maxWeighedStages,
        budgetMs: limits.stageWeightsMs,
      });
    });
    const n = stageWeights.weights.length;
    if (n > 0) output.note(`Weighed ${n === 1 ? "1 builder stage" : `${n} builder stages`} for the stage graph (cached builds).`);
    return { ...report, stageWeights };
  } catch (err) {
    if (req.signal.aborted) return report;
    (deps.warn ?? console.warn)("weighing the stages failed", err);
    return { ...report, stageWeights: { weights: [], keptBytes: {}, note: "The stages could not be weighed this time (the engine did not answer in time)." } };
  }
}

/** A build that did not produce an image: stopped, a sandbox error, or graded as failed. */
async function endFailedBuild(run: ActiveRun, build: FailedBuild, model: DockerfileModel): Promise<RunOutcome> {
  if (build.code === "cancelled" || run.req.signal.aborted) return run.stopped();
  const code = BUILD_ERROR_CODES[build.code];
  if (code) return run.finish({ state: "error", errorCode: code, errorMessage: build.message });
  run.output.note(build.message);
  // A failed build is graded: "build-succeeds" and friends say what went wrong.
  const checks = await grade(run, { imageRef: null, report: null, build, model });
  run.output.send({ type: "checks", runId: run.req.runId, results: checks });
  return run.finish({ state: "failed", checks });
}

type BuildFacts = Pick<GradingContext, "imageRef" | "report" | "build" | "model">;

function grade(run: ActiveRun, ctx: BuildFacts): Promise<CheckResult[]> {
  const { deps, req, timeouts, output } = run;
  // Variant builds hold themselves to `timeouts.variants`, so a slow one ends as a check result
  // well before this bound would end the run as engine_unavailable.
  const ms = timeouts.checks + (usesVariantBuilds(req.exercise.checks) ? timeouts.variants : 0);
  const note = (text: string) => output.note(sanitizeTerminalText(text));
  return run.phase("grading", ms, (signal) => {
    run.variants = createVariantBuilder({
      deps,
      exercise: req.exercise,
      dockerfile: req.dockerfile,
      signal,
      budgetMs: timeouts.variants,
      note,
      newTag: () => runImageTag(deps.tagPrefix),
      ...(deps.baselines && { memo: deps.baselines }),
    });
    const linkBase = `/lessons/${req.exercise.lessonSlug}`;
    return deps.checks({ ...ctx, linkBase, exercise: req.exercise, variants: run.variants, note }, req.exercise.checks);
  });
}

/**
 * What the learner is told when the exercise itself is broken (its context breaks the sandbox's
 * rules, or the course does not load): `detail` names the file, for whoever they tell.
 */
export function authoringProblem(detail: string): string {
  return `This exercise is broken, so nothing was built (${detail}). Tell the course staff; your Dockerfile is not the problem.`;
}

/** How a run ends when a phase threw: the engine went quiet or away, or the runner broke. */
function unexpectedEnding(err: unknown, warn: (message: string, err?: unknown) => void): Ending {
  if (err instanceof EngineTimeoutError) {
    warn(`engine timeout: ${err.message}`);
    return {
      state: "error",
      errorCode: "engine_unavailable",
      errorMessage:
        `The Docker engine is not answering (nothing for ${Math.round(err.ms / 1000)} s while ${err.phase}), so the run ` +
        "was stopped. Try again in a minute; if it keeps happening, tell the course staff.",
    };
  }
  if (err instanceof BuildContextError) {
    // The exercise's own files break the context rules: nothing the learner can fix.
    warn(`exercise authoring error: ${err.message}`);
    return {
      state: "error",
      errorCode: "internal",
      errorMessage: authoringProblem(err.message),
    };
  }
  warn("run failed inside the runner", err);
  const engineDown = isEngineDown(err);
  return {
    state: "error",
    errorCode: engineDown ? "engine_unavailable" : "internal",
    errorMessage: engineDown
      ? "The Docker engine is not reachable right now, so the run could not finish. Try again in a minute."
      : "Something went wrong inside the sandbox runner; the run was stopped. Try again.",
  };
}
