/**
 * Builder-equivalent syntax diagnostics from dockerfile-utils, mapped to Stagecraft's shape.
 * Rule ids are `syntax/<code>` (e.g. `syntax/unknown-instruction`) so the editor and admission
 * problems name the same thing.
 */
import { validate, ValidationCode } from "dockerfile-utils";
import { toMonacoRange, type Diagnostic, type Severity } from "./diagnostic";
import { LESSON_LINKS } from "./links";

// LSP DiagnosticSeverity: 1 Error, 2 Warning, 3 Information, 4 Hint.
const SEVERITY: Record<number, Severity> = { 1: "error", 2: "warning", 3: "info", 4: "info" };

/** `syntax/<code>` for a dockerfile-utils validation code. */
export function syntaxRuleId(code: unknown): string {
  const name = typeof code === "number" ? ValidationCode[code] : undefined;
  return name ? `syntax/${name.toLowerCase().replaceAll("_", "-")}` : "syntax";
}

export function syntaxDiagnostics(text: string): Diagnostic[] {
  return validate(text).map((d) => ({
    rule: syntaxRuleId(d.code),
    severity: SEVERITY[d.severity ?? 1] ?? "error",
    message: typeof d.message === "string" ? d.message : d.message.value,
    ...toMonacoRange(d.range),
    link: LESSON_LINKS.syntax,
  }));
}

/**
 * Syntax findings a course rule explains better (`FROM $UNSET` → base-image-not-in-catalog /
 * from-unresolved-arg), dropped so one mistake is not underlined twice.
 */
export const SYNTAX_COVERED_BY_COURSE_RULES: ReadonlySet<string> = new Set([syntaxRuleId(ValidationCode.BASE_NAME_EMPTY)]);
