"use client";

/**
 * The exercise workbench: prompt, Dockerfile editor with live lint, Run/Cancel, hints, build
 * terminal and graded results. Heavy parts (Monaco, xterm) load lazily, only on lesson pages.
 */
import dynamic from "next/dynamic";
import { useRouter } from "next/navigation";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { createPlainRenderer, terminalText } from "@/lib/progress-render";
import type { ServerMessage } from "@/lib/protocol";
import type { StepTiming } from "@/lib/checks";
import type { BuildPlan } from "@/lib/insight/build-progress";
import { BuildProgress } from "../insight/BuildProgress";
import { CacheTimeline } from "../insight/CacheTimeline";
import { StageGraph } from "../insight/StageGraph";
import { DoneBadge } from "../DoneBadge";
import { BuildInsightPanel } from "../insight/BuildInsightPanel";
import { THEME_EVENT } from "../ThemeToggle";
import { currentTheme, type Theme } from "../theme-boot";
import { readDraft, writeDraft } from "./draft-store";
import { Hints } from "./Hints";
import type { FixableDiagnostic } from "./quick-fix-actions";
import { AdmissionProblems, DiagnosticList, countLabel } from "./ProblemLists";
import type { LatestSubmissionView, WorkbenchExercise } from "./exercise-view";
import { CheckList, ImageReportView } from "./ResultsPanel";
import { describeLastRun, describeRun, isBusy, offersRerun, oversizeDockerfileMessage } from "./run-state";
import { TerminalSink } from "./terminal-sink";
import { useRunner } from "./use-runner";

const DockerfileEditor = dynamic(() => import("./DockerfileEditor"), {
  ssr: false,
  loading: () => <p className="editor-loading">Loading editor…</p>,
});
const RunTerminal = dynamic(() => import("./RunTerminal"), { ssr: false });

export type WorkbenchProps = {
  exercise: WorkbenchExercise;
  /** Passed before this page load (from the database). */
  passed: boolean;
  latest: LatestSubmissionView | null;
};

const IDLE_TERMINAL_TEXT = "Build output appears here when you press Run.\n";

const isMac = () => typeof navigator !== "undefined" && /Mac|iPhone|iPad/.test(navigator.platform);

export function Workbench({ exercise, passed, latest }: WorkbenchProps) {
  const router = useRouter();
  // null until the draft is read: the editor mounts once, with the right text.
  const [text, setText] = useState<string | null>(null);
  const [theme, setTheme] = useState<Theme>("light");
  const [diagnostics, setDiagnostics] = useState<FixableDiagnostic[]>([]);
  const [runText, setRunText] = useState<string | null>(null);
  const [mac, setMac] = useState(false);
  const [reveal, setReveal] = useState<{ line: number; endLine: number; seq: number } | null>(null);
  const jumpToLine = useCallback((line: number, endLine: number) => setReveal((r) => ({ line, endLine, seq: (r?.seq ?? 0) + 1 })), []);
  const sink = useMemo(
    () => new TerminalSink(latest?.log ? `Your last run (${latest.state}):\n\n${latest.log}` : IDLE_TERMINAL_TEXT),
    // Created once: a later refresh of `latest` must not replace what the terminal shows.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [],
  );
  const renderer = useRef(createPlainRenderer());
  // The progress bar's plan for the run under way, and the steps of the last run that built, so
  // the next one's cache timeline has something to stand next to (first the stored latest run's).
  const [plan, setPlan] = useState<BuildPlan | null>(null);
  // Applies a quick fix inside the editor (one undoable edit on its current text).
  const fixer = useRef<((rule: string, line: number) => boolean) | null>(null);
  const setFixer = useCallback((f: ((rule: string, line: number) => boolean) | null) => {
    fixer.current = f;
  }, []);
  const lastSteps = useRef<StepTiming[] | null>(latest?.report?.steps ?? null);
  const [previousSteps, setPreviousSteps] = useState<StepTiming[] | null>(null);

  // The same text the runner stores as the run's log, so the replay after a reload matches.
  const onFrame = useCallback((m: ServerMessage) => sink.write(terminalText(renderer.current, m)), [sink]);
  const { view, start, cancel } = useRunner(exercise.id, { onFrame });
  const busy = isBusy(view);

  useEffect(() => {
    setText(readDraft(exercise.id) ?? latest?.dockerfile ?? exercise.starter);
    setTheme(currentTheme());
    setMac(isMac());
    const onTheme = (e: Event) => setTheme((e as CustomEvent<Theme>).detail);
    window.addEventListener(THEME_EVENT, onTheme);
    return () => window.removeEventListener(THEME_EVENT, onTheme);
    // Initial text only: later changes of `latest` (router.refresh) must not overwrite typing.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [exercise.id]);

  const change = useCallback(
    (next: string) => {
      setText(next);
      writeDraft(exercise.id, next);
    },
    [exercise.id],
  );

  const run = useCallback(() => {
    if (text === null || isBusy(view)) return;
    // A Dockerfile the page refuses to send leaves the terminal (and the editor) as they are;
    // `start` puts the reason in the status line.
    if (oversizeDockerfileMessage(text) === null) {
      sink.clear();
      renderer.current = createPlainRenderer();
      setRunText(text);
      setPreviousSteps(lastSteps.current);
      setPlan(null);
      void import("../insight/plan").then((m) => setPlan(m.buildPlan(text)));
    }
    void start(text);
  }, [text, view, sink, start]);

  // Ctrl/Cmd+Enter anywhere on the page (Monaco binds its own copy inside the editor).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey) && !e.defaultPrevented) {
        e.preventDefault();
        run();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [run]);

  useEffect(() => {
    if (view.report?.steps) lastSteps.current = view.report.steps;
  }, [view.report]);

  // A pass is stored by the runner; refresh server components so "Done" marks appear.
  useEffect(() => {
    if (view.outcome === "passed") router.refresh();
  }, [view.outcome, router]);

  function replaceText(next: string, what: string) {
    if (text === null || text === next) return;
    const untouched = text === exercise.starter || text === exercise.solution;
    if (!untouched && !window.confirm(`Replace your Dockerfile with ${what}? Your current text will be lost.`)) return;
    change(next);
  }

  const showProgress = view.phase === "building" && plan !== null;
  const status =
    view.phase === "idle" && latest
      ? describeLastRun(latest.state)
      : showProgress
        ? // The bar under it counts the Dockerfile's steps; BuildKit's internal ones would only confuse.
          { text: "Building…", tone: "neutral" as const }
        : describeRun(view, exercise.checkTitles.length);
  const done = passed || view.outcome === "passed";
  // Admission problems point at lines of the text that was sent; once edited they may not.
  const problems = view.problems.length > 0 && runText === text ? view.problems : [];
  const showLatest = view.phase === "idle" && latest !== null;
  const checks = view.checks ?? (showLatest ? latest.checks : null);
  const report = view.report ?? (showLatest ? latest.report : null);
  // The Dockerfile the shown report was built from; once the editor differs, lines may have moved.
  const reportText = view.report ? runText : showLatest ? latest.dockerfile : null;
  const shortcut = mac ? "⌘ Enter" : "Ctrl+Enter";
  // The sandbox, not the learner, ended the run: offer the same run again right where it says so.
  const offerRerun = offersRerun(view, latest?.state ?? null);

  return (
    <section className="workbench" aria-labelledby="exercise-title">
      <div className="exercise-head">
        <h2 id="exercise-title">
          <span>
            <span className="exercise-kicker">Exercise · </span>
            {exercise.title}
          </span>
          {done ? <DoneBadge /> : null}
        </h2>
        <p>{exercise.prompt}</p>
      </div>

      <div className="toolbar" role="toolbar" aria-label="Exercise actions">
        <button
          type="button"
          className="btn btn-primary"
          onClick={run}
          disabled={busy || text === null}
          aria-keyshortcuts="Control+Enter Meta+Enter"
        >
          {busy ? "Running…" : "Run"}
          <kbd className="btn-kbd" aria-hidden="true">
            {shortcut}
          </kbd>
        </button>
        <button type="button" className="btn" onClick={cancel} disabled={!busy || view.phase === "connecting"}>
          Cancel
        </button>
        <div className="toolbar-secondary">
          <button
            type="button"
            className="btn btn-quiet"
            onClick={() => replaceText(exercise.starter, "the starter")}
            disabled={busy || text === null}
          >
            Reset to starter
          </button>
          <button
            type="button"
            className="btn btn-quiet"
            onClick={() => replaceText(exercise.solution, "the solution")}
            disabled={busy || text === null}
          >
            Show solution
          </button>
        </div>
      </div>

      <div className="run-status-row">
        <div className="run-status" role="status" data-tone={status.tone} data-busy={busy}>
          <span className="dot" aria-hidden="true" />
          <span>{status.text}</span>
        </div>
        {offerRerun ? (
          <button type="button" className="btn" onClick={run} disabled={busy || text === null}>
            Re-run
          </button>
        ) : null}
      </div>

      {showProgress ? <BuildProgress plan={plan} steps={Object.values(view.steps)} /> : null}

      <AdmissionProblems problems={problems} />

      <div className="editor-frame">
        <div className="editor-caption">
          <span>Dockerfile</span>
          <span aria-live="polite">{countLabel(diagnostics)}</span>
        </div>
        <div className="editor-host">
          {text !== null ? (
            <DockerfileEditor
              value={text}
              onChange={change}
              onRun={run}
              problems={problems}
              onDiagnostics={setDiagnostics}
              onFixer={setFixer}
              theme={theme}
              reveal={reveal}
              ariaLabel={`Dockerfile editor for ${exercise.title}. Press ${shortcut} to run.`}
            />
          ) : (
            <p className="editor-loading">Loading editor…</p>
          )}
        </div>
      </div>

      <DiagnosticList diagnostics={diagnostics} onFix={(d) => !busy && fixer.current?.(d.rule, d.startLine)} />

      <Hints hints={exercise.hints} />

      <div className="terminal-frame">
        <h3 className="panel-title">Build output</h3>
        <RunTerminal sink={sink} label="Build output terminal" />
      </div>

      <section className="panel" aria-labelledby="checks-title">
        <h3 className="panel-title" id="checks-title">
          Checks{showLatest && latest.checks ? " · last run" : ""}
        </h3>
        <div className="panel-body">
          <CheckList checks={checks} pendingTitles={exercise.checkTitles} />
        </div>
      </section>

      <section className="panel" aria-labelledby="image-title">
        <h3 className="panel-title" id="image-title">
          Image{showLatest && latest.report ? " · last run" : ""}
        </h3>
        <div className="panel-body">
          {report ? (
            <ImageReportView report={report} />
          ) : (
            <p className="panel-empty">Run a build to see the image&apos;s size, layers, user and command.</p>
          )}
        </div>
      </section>

      {report ? (
        <section className="panel" aria-labelledby="stages-title">
          <h3 className="panel-title" id="stages-title">
            Stages{showLatest ? " · last run" : ""}
          </h3>
          <div className="panel-body">
            <StageGraph report={report} />
          </div>
        </section>
      ) : null}

      <section className="panel" aria-labelledby="insight-title">
        <h3 className="panel-title" id="insight-title">
          Build insight{showLatest && latest.report?.insight ? " · last run" : ""}
        </h3>
        <div className="panel-body">
          {report ? (
            <BuildInsightPanel insight={report.insight} pending={busy} onJump={jumpToLine} linesMoved={reportText !== null && reportText !== text} />
          ) : (
            <p className="panel-empty">When your image builds, see which line wrote each layer, the bytes it wastes and how it compares with the starter and the solution.</p>
          )}
        </div>
      </section>

      {report?.steps && report.steps.length > 0 ? (
        <section className="panel" aria-labelledby="cache-title">
          <h3 className="panel-title" id="cache-title">
            Cache timeline{showLatest ? " · last run" : ""}
          </h3>
          <div className="panel-body">
            <CacheTimeline current={report.steps} previous={view.report ? previousSteps : null} />
          </div>
        </section>
      ) : null}
    </section>
  );
}
