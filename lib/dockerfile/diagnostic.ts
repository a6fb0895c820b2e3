/**
 * The diagnostic shape the editor shows (Monaco markers) and the ranges it is built from.
 *
 * dockerfile-ast and dockerfile-utils speak LSP: 0-based lines and characters. Monaco and the rest
 * of Stagecraft speak 1-based lines and columns, so every range crosses this one converter.
 */

/** The LSP range shape (structural, so no import of a transitive dependency is needed). */
export type LspRange = {
  start: { line: number; character: number };
  end: { line: number; character: number };
};

export type Severity = "error" | "warning" | "info";

export type Diagnostic = {
  /** Stable id, e.g. `final-stage-root` or `syntax/unknown-instruction`. */
  rule: string;
  severity: Severity;
  /** Plain-language explanation that teaches, one or two sentences. */
  message: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  /** Lesson section that explains the rule, e.g. `/lessons/anatomy#copy-from`. */
  link?: string;
};

export type MonacoRange = Pick<Diagnostic, "startLine" | "startColumn" | "endLine" | "endColumn">;

/** LSP (0-based) → Monaco (1-based). An empty range is widened by one column so it stays visible. */
export function toMonacoRange(range: LspRange): MonacoRange {
  const startLine = range.start.line + 1;
  const startColumn = range.start.character + 1;
  const endLine = range.end.line + 1;
  let endColumn = range.end.character + 1;
  if (endLine === startLine && endColumn <= startColumn) endColumn = startColumn + 1;
  return { startLine, startColumn, endLine, endColumn };
}
