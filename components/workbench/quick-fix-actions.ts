/**
 * Monaco code actions (the lightbulb) for lint diagnostics that have a quick fix: the marker's
 * rule picks the fix (lib/dockerfile/quick-fixes.ts), computed on the model's current text.
 * Registered once per page for the `dockerfile` language.
 */
import type * as Monaco from "monaco-editor";
import type { Diagnostic, QuickFix } from "@/lib/dockerfile";
import { FIXABLE_RULES, quickFixesFor } from "./lint";

type MonacoApi = typeof Monaco;

/** The fix for a finding of `rule` on `line`: the rule's only fix, or the one that edits that line. */
export function fixFor(text: string, rule: string, line: number): QuickFix | undefined {
  if (!(FIXABLE_RULES as readonly string[]).includes(rule)) return undefined;
  const fixes = quickFixesFor(text, rule);
  return fixes.length === 1 ? fixes[0] : fixes.find((f) => f.edits[0]?.startLine === line);
}

/** A diagnostic with the title of its quick fix, for the list under the editor. */
export type FixableDiagnostic = Diagnostic & { fix?: { title: string } };

export function withFixes(text: string, diagnostics: Diagnostic[]): FixableDiagnostic[] {
  return diagnostics.map((d) => {
    const fix = fixFor(text, d.rule, d.startLine);
    return fix ? { ...d, fix: { title: fix.title } } : d;
  });
}

/** Monaco's range for one of our edits. */
const rangeOf = (e: QuickFix["edits"][number]) => ({
  startLineNumber: e.startLine,
  startColumn: e.startColumn,
  endLineNumber: e.endLine,
  endColumn: e.endColumn,
});

/**
 * Applies the fix for `rule` at `line` to the editor's text as it is now (never a result computed
 * before the learner's last keystroke), as one undoable edit. False when there is none any more.
 */
export function applyFixInEditor(editor: Monaco.editor.IStandaloneCodeEditor, rule: string, line: number): boolean {
  const model = editor.getModel();
  const fix = model ? fixFor(model.getValue(), rule, line) : undefined;
  if (!fix) return false;
  editor.pushUndoStop();
  editor.executeEdits("stagecraft-quick-fix", fix.edits.map((e) => ({ range: rangeOf(e), text: e.text })));
  editor.pushUndoStop();
  editor.focus();
  return true;
}

const ruleOf = (marker: Monaco.editor.IMarkerData) => (typeof marker.code === "string" ? marker.code : marker.code?.value);

let registered = false;

export function registerQuickFixes(monaco: MonacoApi): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCodeActionProvider(
    "dockerfile",
    {
      provideCodeActions(model, _range, context) {
        const text = model.getValue();
        const actions: Monaco.languages.CodeAction[] = [];
        for (const marker of context.markers) {
          const rule = ruleOf(marker);
          const fix = rule ? fixFor(text, rule, marker.startLineNumber) : undefined;
          if (fix) {
            actions.push({
              title: fix.title,
              kind: "quickfix",
              diagnostics: [marker],
              isPreferred: true,
              edit: {
                edits: fix.edits.map((e) => ({
                  resource: model.uri,
                  versionId: model.getVersionId(),
                  textEdit: { range: rangeOf(e), text: e.text },
                })),
              },
            });
          }
        }
        return { actions, dispose: () => undefined };
      },
    },
    { providedCodeActionKinds: ["quickfix"] },
  );
}
