/**
 * `admitDockerfile`: the runner's yes/no before a build, with every reason at once so the learner
 * can fix them together. Never throws: a failure inside a gate becomes a problem, not a crash.
 */
import { IMAGE_CATALOG } from "../image-catalog";
import type { Problem } from "../protocol";
import { ANALYSIS_GATES, DIRECTIVE_GATES, TEXT_GATES } from "./admission";
import type { AdmissionOptions, ResolvedAdmissionOptions } from "./admission/types";
import { analyze, type Analysis } from "./analysis";
import { toModel, type DockerfileModel } from "./model";

export type Admission = { ok: true; model: DockerfileModel } | { ok: false; problems: Problem[] };

export const ADMISSION_DEFAULTS = {
  /** Course lines are short; 8 KiB leaves room for long RUN chains without feeding the parser megabytes. */
  maxLineChars: 8 * 1024,
  /** No lesson continues an instruction over more than a few dozen lines. */
  maxContinuationLines: 200,
} as const;

const internal = (): Problem => ({
  rule: "internal",
  message: "The Dockerfile could not be checked. Simplify it or report this to the course team.",
});

function safeAllowed(options: AdmissionOptions, ref: string): boolean {
  try {
    return options.allowedImages(ref);
  } catch {
    return false;
  }
}

/** Fail closed: an input a gate cannot handle is not admitted. */
function safely(gate: () => Problem[]): Problem[] {
  try {
    return gate();
  } catch {
    return [internal()];
  }
}

function tryAnalyze(text: string): Analysis | null {
  try {
    return analyze(text);
  } catch {
    return null;
  }
}

function admit(source: string, options: AdmissionOptions): Admission {
  const opts: ResolvedAdmissionOptions = {
    maxBytes: options.maxBytes,
    maxLines: options.maxLines,
    allowedImages: (ref) => safeAllowed(options, ref),
    availableImages:
      options.availableImages ?? IMAGE_CATALOG.map((image) => image.ref).filter((ref) => safeAllowed(options, ref)),
    maxLineChars: options.maxLineChars ?? ADMISSION_DEFAULTS.maxLineChars,
    maxContinuationLines: options.maxContinuationLines ?? ADMISSION_DEFAULTS.maxContinuationLines,
  };
  const limits = TEXT_GATES.flatMap((gate) => safely(() => gate(source, opts)));
  if (limits.length > 0) return { ok: false, problems: limits };

  const analysis = tryAnalyze(source);
  if (!analysis) return { ok: false, problems: [internal()] };
  const problems = [
    ...DIRECTIVE_GATES.flatMap((gate) => safely(() => gate(source, opts))),
    ...ANALYSIS_GATES.flatMap((gate) => safely(() => gate(analysis, opts))),
  ].sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  return problems.length > 0 ? { ok: false, problems } : { ok: true, model: toModel(analysis) };
}

/**
 * Admits a learner's Dockerfile for building, or lists every reason not to. Never throws; when in
 * doubt it refuses (fail closed).
 */
export function admitDockerfile(text: string, options: AdmissionOptions): Admission {
  try {
    return admit(typeof text === "string" ? text : "", options);
  } catch {
    return { ok: false, problems: [internal()] };
  }
}
