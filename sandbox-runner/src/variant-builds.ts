/**
 * Variant builds: the extra builds some checks make while grading (a rebuild after an edit, the
 * exercise's starter as a size baseline, each `--target`). They go through the run's own
 * `PipelineDeps.makeContext` and `build`, so they get exactly what the learner's build got: the
 * runner-made context, no network, the cgroup caps, the wall-clock limit, the log cap and the
 * image size cap. Each has a fresh unguessable `stagecraft-run/…` tag, listed in `tags` for the
 * run's cleanup (and swept at start-up like any run image). Their output is not streamed: the
 * learner's terminal gets one note when a variant starts and one with its outcome.
 */
import { createHash } from "node:crypto";
import type { CheckKind, CheckSpec } from "../../lib/checks";
import type { Exercise } from "../../lib/lessons/schema";
import { formatBytes } from "../../lib/report";
import type { BuildOutcome } from "./build-backend";
import { formatDuration, instructionSteps, wasCached } from "./checks/build-steps";
import type { VariantBuild, VariantBuilder, VariantRequest } from "./checks/types";
import { SANDBOX_LIMITS } from "./limits";
import { createLru } from "./lru";
import type { PipelineDeps } from "./run-pipeline";

/** The check kinds that ask for variant builds; grading them gets the variant budget on top. */
export const VARIANT_CHECK_KINDS = ["rebuild-cache", "size-ratio", "targets"] as const satisfies readonly CheckKind[];

export function usesVariantBuilds(checks: readonly CheckSpec[]): boolean {
  return checks.some((c) => (VARIANT_CHECK_KINDS as readonly string[]).includes(c.kind));
}

/**
 * Starter baselines remembered across runs: a request for the exercise's own starter (what
 * size-ratio asks for) or solution (the build insight's comparison) Dockerfile, with no target
 * and no edits. Keyed by a SHA-256 of the exact context
 * tar (the starter's text and the context files; the tar is deterministic), so it is "the same
 * build" by construction. Safe to share between learners because nothing a learner sends goes into
 * it, and the same bytes build the same image on the same catalog bases. Assumption: catalog
 * images change only with `images:prepare`, run before the runner starts (a deploy); a base
 * rebuilt under a live runner keeps an old baseline until the runner restarts. Only successful
 * builds are kept, and without their image (it is removed with the run that built it): a
 * remembered baseline has `imageRef: null`, so a check that needs to run the starter cannot use it.
 */
export type BaselineMemo = {
  get(key: string): VariantBuild | undefined;
  set(key: string, build: VariantBuild): void;
};

export function createBaselineMemo(maxEntries: number = SANDBOX_LIMITS.variants.memoEntries): BaselineMemo {
  const entries = createLru<VariantBuild>(maxEntries);
  return { get: (key) => entries.get(key), set: (key, build) => entries.set(key, { ...build, imageRef: null }) };
}

export type VariantBuilds = VariantBuilder & {
  /** Every tag a variant build was started under, for the run's cleanup. */
  readonly tags: readonly string[];
  /** Settles once no variant build is in flight (one stopped mid-way has unwound). */
  idle(): Promise<void>;
};

export type VariantBuildsOptions = {
  deps: Pick<PipelineDeps, "admit" | "makeContext" | "build">;
  exercise: Exercise;
  /** The learner's Dockerfile: what a request without `dockerfile` builds. */
  dockerfile: string;
  /** Aborts every variant build: the run was stopped or grading ran out of time. */
  signal: AbortSignal;
  /** All variant builds of the run together (`SANDBOX_LIMITS.variants.totalTimeoutMs`). */
  budgetMs: number;
  /** A runner note in the learner's terminal. */
  note(text: string): void;
  /** A fresh unguessable image tag (`runImageTag`). */
  newTag(): string;
  /** Starter baselines remembered across runs. @default none: every run builds its own */
  memo?: BaselineMemo;
  /** What the builds are for, in the learner's terminal notes. @default "the checks" */
  purpose?: string;
};

export function createVariantBuilder(opts: VariantBuildsOptions): VariantBuilds {
  const tags: string[] = [];
  const inFlight = new Set<Promise<unknown>>();
  let spentMs = 0;
  const purpose = opts.purpose ?? "the checks";

  async function build(req: VariantRequest): Promise<VariantBuild> {
    if (opts.signal.aborted) throw new Error("the run was stopped");
    const dockerfile = req.dockerfile ?? opts.dockerfile;
    const ownText = dockerfile === opts.dockerfile;
    if (!ownText) {
      // Course content, already proven by lessons:verify; admitted anyway so no text reaches the
      // engine without passing the same gate as a learner's.
      const admission = opts.deps.admit(dockerfile);
      if (!admission.ok) return refused(`its Dockerfile was refused: ${admission.problems.map((p) => p.message).join("; ")}`);
    }
    const context = await opts.deps.makeContext(opts.exercise, dockerfile, req.edits ?? []);
    // The exercise's own starter or solution, unedited: the same bytes build the same image.
    const courseText = req.dockerfile === opts.exercise.starter || req.dockerfile === opts.exercise.solution;
    const baseline = courseText && req.target === undefined && !req.edits?.length;
    const key = baseline && opts.memo ? memoKey(context) : null;
    const remembered = key && !req.fresh ? opts.memo?.get(key) : undefined;
    if (remembered) {
      const size = remembered.sizeBytes === null ? "" : `: ${formatBytes(remembered.sizeBytes)}`;
      opts.note(`Extra build for ${purpose}: ${req.label}${size} (built in an earlier run, not built again).`);
      return remembered;
    }
    const remaining = opts.budgetMs - spentMs;
    if (remaining <= 0) {
      return refused(`there was no grading time left for it (all extra builds of a run share ${formatDuration(opts.budgetMs)})`);
    }

    const tag = opts.newTag();
    tags.push(tag);
    opts.note(`Extra build for ${purpose}: ${req.label}…`);
    const running = runWithin(remaining, (signal) =>
      opts.deps.build({
        context,
        tag,
        ...(req.target !== undefined && { target: req.target }),
        signal,
        onStep: () => undefined,
        onLog: () => undefined,
      }),
    );
    inFlight.add(running);
    let result: { outcome: BuildOutcome; outOfTime: boolean };
    try {
      result = await running;
    } finally {
      inFlight.delete(running);
    }
    const { outcome, outOfTime } = result;
    spentMs += outcome.buildMs;

    if (!outcome.ok) {
      if (outcome.code === "engine_unavailable") throw new Error(outcome.message);
      if (outcome.code === "cancelled" && !outOfTime) throw new Error("the run was stopped");
      const message =
        outcome.code === "cancelled"
          ? `it ran out of grading time (all extra builds of a run share ${formatDuration(opts.budgetMs)})`
          : outcome.message;
      opts.note(`  did not build: ${message}`);
      return { ok: false, message, steps: outcome.steps, buildMs: outcome.buildMs, imageRef: null, sizeBytes: null };
    }
    const built: VariantBuild = {
      ok: true,
      message: "",
      steps: outcome.steps,
      buildMs: outcome.buildMs,
      imageRef: tag,
      sizeBytes: outcome.sizeBytes ?? null,
    };
    opts.note(`  built: ${summary(built)}.`);
    if (key) opts.memo?.set(key, built);
    return built;
  }

  /** Builds with a wall-clock limit of what is left of the budget, on top of the run's signal. */
  async function runWithin(ms: number, work: (signal: AbortSignal) => Promise<BuildOutcome>) {
    const controller = new AbortController();
    let outOfTime = false;
    const timer = setTimeout(() => {
      outOfTime = true;
      controller.abort();
    }, ms);
    const stop = () => controller.abort();
    opts.signal.addEventListener("abort", stop, { once: true });
    try {
      const outcome = await work(controller.signal);
      return { outcome, outOfTime: outOfTime && !opts.signal.aborted };
    } finally {
      clearTimeout(timer);
      opts.signal.removeEventListener("abort", stop);
    }
  }

  return {
    build,
    tags,
    idle: async () => {
      await Promise.allSettled([...inFlight]);
    },
  };
}

function refused(message: string): VariantBuild {
  return { ok: false, message, steps: [], buildMs: 0, imageRef: null, sizeBytes: null };
}

function memoKey(context: Buffer): string {
  return createHash("sha256").update(context).digest("hex");
}

/** "1.2 s, 5 of 7 steps from the cache, 3.1 MiB". */
function summary(b: VariantBuild): string {
  const steps = instructionSteps(b.steps);
  const cached = steps.filter(wasCached).length;
  const size = b.sizeBytes === null ? "" : `, ${formatBytes(b.sizeBytes)}`;
  return `${formatDuration(b.buildMs)}, ${cached} of ${steps.length} steps from the cache${size}`;
}
