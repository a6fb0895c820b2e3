/**
 * Monaco code actions (the lightbulb) for lint diagnostics that have a quick fix: the marker's
 * rule picks the fix (lib/dockerfile/quick-fixes.ts), computed on the model's current text.
 * Registered once per page for the `dockerfile` language.
 */
import type * as Monaco from "monaco-editor";
import { FIXABLE_RULES, quickFixesFor } from "./lint";

type MonacoApi = typeof Monaco;

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
        const seen = new Set<string>();
        for (const marker of context.markers) {
          const rule = ruleOf(marker);
          if (!rule || !(FIXABLE_RULES as readonly string[]).includes(rule) || seen.has(rule)) continue;
          seen.add(rule);
          for (const fix of quickFixesFor(text, rule)) {
            actions.push({
              title: fix.title,
              kind: "quickfix",
              diagnostics: [marker],
              isPreferred: true,
              edit: {
                edits: fix.edits.map((e) => ({
                  resource: model.uri,
                  versionId: model.getVersionId(),
                  textEdit: {
                    range: { startLineNumber: e.startLine, startColumn: e.startColumn, endLineNumber: e.endLine, endColumn: e.endColumn },
                    text: e.text,
                  },
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
