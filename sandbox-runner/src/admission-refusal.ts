/**
 * How a run that admission refused ends: which error code, and the one-line message for it. Every
 * problem travels with it either way, so the page lists them all and marks their lines.
 */
import type { ErrorCode, Problem } from "../../lib/protocol";

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

export function admissionRefusal(problems: Problem[]): { errorCode: ErrorCode; errorMessage: string; problems: Problem[] } {
  // One problem reads in full; several are summed up with the first, since every problem
  // also travels in `problems` (the page lists them and marks their lines).
  const [first, ...rest] = problems.map((p) => (p.line ? `line ${p.line}: ${p.message}` : p.message));
  const listed = rest.length === 0 ? first : `${rest.length + 1} problems; the first is ${first}`;
  // `dockerfile_invalid` only when nothing but the text itself is wrong. Once a sandbox rule
  // is broken too, that is the refusal to name: a course rule's message is the helpful one
  // (`COPY --from=$SRC` also trips the parser, but "write the stage name" is the fix).
  const invalid = problems.every(isInvalidText);
  return {
    errorCode: invalid ? "dockerfile_invalid" : "admission_rejected",
    errorMessage: invalid ? `This Dockerfile cannot be read: ${listed}` : `The sandbox will not build this Dockerfile: ${listed}`,
    problems,
  };
}
