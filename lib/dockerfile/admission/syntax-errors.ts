/**
 * Parse errors the builder would stop on (dockerfile-utils errors, not its warnings). "No FROM"
 * and "empty base name" are left to the clearer `no-from` and `from-unresolved-arg` gates.
 */
import { ValidationCode } from "dockerfile-utils";
import { SYNTAX_COVERED_BY_COURSE_RULES, syntaxDiagnostics, syntaxRuleId } from "../syntax";
import type { AnalysisGate } from "./types";

const COVERED_ELSEWHERE = new Set([syntaxRuleId(ValidationCode.NO_SOURCE_IMAGE), ...SYNTAX_COVERED_BY_COURSE_RULES]);

export const syntaxErrors: AnalysisGate = (analysis) =>
  syntaxDiagnostics(analysis.text)
    .filter((d) => d.severity === "error" && !COVERED_ELSEWHERE.has(d.rule))
    .map((d) => ({ rule: d.rule, line: d.startLine, message: d.message, link: d.link }));
