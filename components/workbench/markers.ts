/**
 * Lint diagnostics and runner admission problems → Monaco markers. Kept apart from the editor
 * component so the mapping is plain data in, plain data out.
 */
import type * as Monaco from "monaco-editor";
import type { Diagnostic } from "@/lib/dockerfile";
import type { Problem } from "@/lib/protocol";

type MonacoApi = typeof Monaco;

/** Marker `code` with a link: Monaco shows the rule id and opens the lesson section on click. */
function markerCode(monaco: MonacoApi, rule: string, link: string | undefined): Monaco.editor.IMarkerData["code"] {
  if (!link) return rule;
  return { value: rule, target: monaco.Uri.parse(new URL(link, window.location.href).href) };
}

const SEVERITY = { error: 8, warning: 4, info: 2 } as const; // MarkerSeverity values

export function lintMarkers(monaco: MonacoApi, diagnostics: Diagnostic[]): Monaco.editor.IMarkerData[] {
  return diagnostics.map((d) => ({
    severity: SEVERITY[d.severity],
    message: d.message,
    source: "Stagecraft",
    code: markerCode(monaco, d.rule, d.link),
    startLineNumber: d.startLine,
    startColumn: d.startColumn,
    endLineNumber: d.endLine,
    endColumn: d.endColumn,
  }));
}

/** Admission problems name a line at most: mark the whole line (or line 1 when unknown). */
export function problemMarkers(
  monaco: MonacoApi,
  model: Monaco.editor.ITextModel,
  problems: Problem[],
): Monaco.editor.IMarkerData[] {
  return problems.map((p) => {
    const line = Math.min(p.line ?? 1, model.getLineCount());
    return {
      severity: SEVERITY.error,
      message: p.message,
      source: "Sandbox runner",
      code: markerCode(monaco, p.rule, p.link),
      startLineNumber: line,
      startColumn: 1,
      endLineNumber: line,
      endColumn: model.getLineMaxColumn(line),
    };
  });
}
