"use client";

/**
 * Monaco with the built-in `dockerfile` language. Loaded with next/dynamic from the Workbench, so
 * this module — and through `./monaco-setup` the whole editor — is fetched only on lesson pages.
 */
import Editor, { type BeforeMount, type OnMount } from "@monaco-editor/react";
import { useEffect, useRef, useState } from "react";
import type * as Monaco from "monaco-editor";
import { monaco } from "./monaco-setup";
import { lintDockerfile } from "./lint";
import { lintMarkers, problemMarkers } from "./markers";
import { applyFixInEditor, registerQuickFixes, withFixes, type FixableDiagnostic } from "./quick-fix-actions";
import type { Diagnostic } from "@/lib/dockerfile";
import type { Problem } from "@/lib/protocol";
import type { Theme } from "../theme-boot";

/** Lint after typing pauses for this long: fast enough to feel live, rare enough to stay cheap. */
const LINT_DEBOUNCE_MS = 200;

export type DockerfileEditorProps = {
  value: string;
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter inside the editor. */
  onRun(): void;
  /** Problems from the runner's admission check, shown as markers until the text changes. */
  problems: Problem[];
  /** Lint findings, each with its quick fix when it has one. */
  onDiagnostics(diagnostics: FixableDiagnostic[]): void;
  /** Hands over (and on unmount takes back) a function that applies a diagnostic's quick fix. */
  onFixer?(fixer: ((rule: string, line: number) => boolean) | null): void;
  theme: Theme;
  ariaLabel: string;
  /** Select and show these lines (a build insight row was clicked); a new `seq` repeats it. */
  reveal?: { line: number; endLine: number; seq: number } | null;
};

/** Monaco's stock themes, with the page's own backgrounds so the editor sits in the layout. */
const defineThemes: BeforeMount = (m) => {
  m.editor.defineTheme("stagecraft-light", {
    base: "vs",
    inherit: true,
    rules: [],
    colors: { "editor.background": "#ffffff", "editor.lineHighlightBackground": "#f3f6fb" },
  });
  m.editor.defineTheme("stagecraft-dark", {
    base: "vs-dark",
    inherit: true,
    rules: [],
    colors: { "editor.background": "#181c22", "editor.lineHighlightBackground": "#20252d" },
  });
};

export default function DockerfileEditor(props: DockerfileEditorProps) {
  const { value, onChange, onRun, problems, onDiagnostics, onFixer, theme, ariaLabel, reveal } = props;
  const [editor, setEditor] = useState<Monaco.editor.IStandaloneCodeEditor | null>(null);
  const runRef = useRef(onRun);
  runRef.current = onRun;

  const onMount: OnMount = (ed) => {
    // addCommand binds inside the editor, where Monaco would otherwise swallow Ctrl+Enter.
    ed.addCommand(monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter, () => runRef.current());
    registerQuickFixes(monaco);
    setEditor(ed);
  };

  useEffect(() => {
    if (!editor || !onFixer) return;
    onFixer((rule, line) => applyFixInEditor(editor, rule, line));
    return () => onFixer(null);
  }, [editor, onFixer]);

  // Lint markers, debounced.
  useEffect(() => {
    const model = editor?.getModel();
    if (!model) return;
    const timer = setTimeout(() => {
      const diagnostics = lintDockerfile(value);
      monaco.editor.setModelMarkers(model, "stagecraft-lint", lintMarkers(monaco, diagnostics));
      onDiagnostics(withFixes(value, diagnostics));
    }, LINT_DEBOUNCE_MS);
    return () => clearTimeout(timer);
  }, [editor, value, onDiagnostics]);

  // Admission problems from the last run.
  useEffect(() => {
    const model = editor?.getModel();
    if (!model) return;
    monaco.editor.setModelMarkers(model, "stagecraft-admission", problemMarkers(monaco, model, problems));
  }, [editor, problems]);

  // A line picked in the build insight: select it, scroll it into view, put the cursor there.
  useEffect(() => {
    const model = editor?.getModel();
    if (!editor || !model || !reveal) return;
    const last = Math.min(Math.max(reveal.endLine, reveal.line), model.getLineCount());
    const first = Math.min(reveal.line, last);
    editor.setSelection(new monaco.Selection(first, 1, last, model.getLineMaxColumn(last)));
    editor.revealLinesInCenter(first, last);
    editor.getDomNode()?.scrollIntoView({ block: "center", behavior: "smooth" });
    editor.focus();
  }, [editor, reveal]);

  return (
    <Editor
      language="dockerfile"
      value={value}
      onChange={(v) => onChange(v ?? "")}
      beforeMount={defineThemes}
      onMount={onMount}
      theme={theme === "dark" ? "stagecraft-dark" : "stagecraft-light"}
      loading={<p className="editor-loading">Loading editor…</p>}
      options={{
        ariaLabel,
        minimap: { enabled: false },
        fontSize: 13,
        lineNumbersMinChars: 3,
        scrollBeyondLastLine: false,
        automaticLayout: true,
        tabSize: 4,
        wordWrap: "on",
        renderLineHighlight: "line",
        fixedOverflowWidgets: true,
        padding: { top: 8, bottom: 8 },
        scrollbar: { alwaysConsumeMouseWheel: false },
      }}
    />
  );
}
