/**
 * What every check module sees and returns. A check answers pass or fail with a sentence saying
 * what it observed; `runChecks` adds the title, hint and link, and turns a throw into `error`.
 */
import type Docker from "dockerode";
import type { CheckDetail, CheckKind, CheckSpecOf, CheckStatus } from "../../../lib/checks";
import type { DockerfileModel } from "../../../lib/dockerfile/index";
import type { ImageReport } from "../../../lib/report";
import type { Exercise } from "../../../lib/lessons/schema";
import type { BuildStep } from "../../../lib/protocol";
import type { BuildOutcome } from "../build-backend";

/** One extra build a check asks for: a rebuild after an edit, the starter as a baseline, a --target. */
export type VariantRequest = {
  /** Shown in notes and timelines, e.g. "rebuild after editing src/index.ts". */
  label: string;
  /** Dockerfile text. @default the learner's Dockerfile */
  dockerfile?: string;
  /** Build only up to this stage (`--target`). */
  target?: string;
  /** Context edits: text appended to a context file (path relative to `context/`). */
  edits?: { path: string; append: string }[];
  /** Build even when a remembered baseline exists, because the caller needs the image itself. */
  fresh?: boolean;
};

/** The variant's outcome; its image (if any) is removed by the pipeline's cleanup, not the check. */
export type VariantBuild = {
  ok: boolean;
  /** Why it failed, in the learner's words; "" when ok. */
  message: string;
  steps: BuildStep[];
  buildMs: number;
  imageRef: string | null;
  sizeBytes: number | null;
};

export type VariantBuilder = { build(req: VariantRequest): Promise<VariantBuild> };

export type CheckContext = {
  docker: Docker;
  /** The built image's tag; null when the build did not succeed. */
  imageRef: string | null;
  report: ImageReport | null;
  build: BuildOutcome;
  model: DockerfileModel;
  /** The lesson's URL, e.g. "/lessons/anatomy"; a spec's `section` becomes its `#anchor`. */
  linkBase: string;
  /** The exercise being graded (its starter, context files). Absent in narrow unit tests. */
  exercise?: Exercise;
  /** Extra builds (rebuild-cache, size-ratio, targets). Checks that need it throw when absent. */
  variants?: VariantBuilder;
  /** A runner note in the learner's terminal, e.g. "Rebuilding after editing src/index.ts…". */
  note?(text: string): void;
};

/** A check's verdict. `error` is left to `runChecks`: a check that cannot decide throws. */
export type CheckOutcome = { status: Exclude<CheckStatus, "error">; message: string; detail?: CheckDetail };

export type CheckFn<K extends CheckKind> = (ctx: CheckContext, spec: CheckSpecOf<K>) => Promise<CheckOutcome>;

export const pass = (message: string, detail?: CheckDetail): CheckOutcome => ({ status: "pass", message, ...(detail && { detail }) });
export const fail = (message: string, detail?: CheckDetail): CheckOutcome => ({ status: "fail", message, ...(detail && { detail }) });

/** The built image, or a throw (→ `error`): checks that need one never run without a build. */
export function requireImage(ctx: CheckContext): string {
  if (!ctx.imageRef) throw new Error("no image was built to check");
  return ctx.imageRef;
}

export function requireReport(ctx: CheckContext): ImageReport {
  if (!ctx.report) throw new Error("the image report could not be read");
  return ctx.report;
}

/** Extra builds: the pipeline always provides them; a narrow test that leaves them out gets `error`. */
export function requireVariants(ctx: CheckContext): VariantBuilder {
  if (!ctx.variants) throw new Error("this runner cannot make the extra builds this check needs");
  return ctx.variants;
}

export function requireExercise(ctx: CheckContext): Exercise {
  if (!ctx.exercise) throw new Error("the exercise being graded is unknown to this check");
  return ctx.exercise;
}
