/**
 * The check vocabulary: what an exercise can demand of the image a learner built.
 *
 * Checks grade the built image (its config, history, filesystem and behaviour), never the
 * Dockerfile's text. Specs live in each exercise's `exercise.json`; the runner executes them;
 * results have one shape in the UI, the database and the verifier.
 */
import { z } from "zod";

/**
 * Fields every check carries, whatever it tests. Check objects are strict: a misspelt field
 * (`stdoutInclude`) is a content error, not a silently weaker check.
 */
const common = {
  /** Stable id within the exercise, e.g. `no-compiler`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "check ids are kebab-case"),
  /** What the learner sees as the check's name, e.g. "No Go toolchain in the final image". */
  title: z.string().min(1),
  /** Shown when the check fails: a nudge, not the answer. */
  hint: z.string().min(1),
  /** Anchor of the lesson section that explains this, e.g. `copy-from` (→ `#copy-from`). */
  section: z.string().optional(),
};

export const BuildSucceedsCheck = z.strictObject({ kind: z.literal("build-succeeds"), ...common });

export const StageCountCheck = z.strictObject({
  kind: z.literal("stage-count"),
  ...common,
  min: z.number().int().positive().optional(),
  max: z.number().int().positive().optional(),
});

export const ImageSizeCheck = z.strictObject({
  kind: z.literal("image-size"),
  ...common,
  /** Largest allowed final image size in bytes (as reported by image inspect `Size`). */
  maxBytes: z.number().int().positive(),
});

export const NonRootUserCheck = z.strictObject({ kind: z.literal("non-root-user"), ...common });

export const PathsAbsentCheck = z.strictObject({
  kind: z.literal("paths-absent"),
  ...common,
  /** Absolute paths that must not exist in the final image's filesystem. */
  paths: z.array(z.string().startsWith("/")).min(1),
});

export const ContainerOutputCheck = z.strictObject({
  kind: z.literal("container-output"),
  ...common,
  /** Overrides the image's CMD (keeps its ENTRYPOINT); absent = run the image as configured. */
  cmd: z.array(z.string()).optional(),
  /** Every string must appear in stdout. */
  stdoutIncludes: z.array(z.string()).default([]),
  /** Expected exit code. @default 0 */
  exitCode: z.number().int().default(0),
  /** Wall-clock limit for the container. @default 10000 */
  timeoutMs: z.number().int().positive().max(60_000).default(10_000),
});

export const ExecFormCmdCheck = z.strictObject({ kind: z.literal("exec-form-cmd"), ...common });

export const CheckSpec = z.discriminatedUnion("kind", [
  BuildSucceedsCheck,
  StageCountCheck,
  ImageSizeCheck,
  NonRootUserCheck,
  PathsAbsentCheck,
  ContainerOutputCheck,
  ExecFormCmdCheck,
]);
export type CheckSpec = z.infer<typeof CheckSpec>;
export type CheckKind = CheckSpec["kind"];
export type CheckSpecOf<K extends CheckKind> = Extract<CheckSpec, { kind: K }>;

export const CheckStatus = z.enum(["pass", "fail", "error"]);
export type CheckStatus = z.infer<typeof CheckStatus>;

/**
 * The outcome of one check. `error` means the check itself could not be evaluated (the engine
 * failed, the container would not start for reasons outside the learner's control) and is never
 * counted as a pass.
 */
export const CheckResult = z.object({
  checkId: z.string(),
  kind: z.string(),
  title: z.string(),
  status: CheckStatus,
  /** What was observed, in plain words: "final image is 412 MB; the budget is 40 MB". */
  message: z.string(),
  /** Present when status is not `pass`. */
  hint: z.string().optional(),
  /** Link to the lesson section, e.g. `/lessons/anatomy#copy-from`. */
  link: z.string().optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

/** A run passes when every check passed. */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.length > 0 && results.every((r) => r.status === "pass");
}
