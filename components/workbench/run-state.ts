/**
 * The lesson page's view of one run, driven by runner frames. Pure (no React, no WebSocket) so
 * the state machine is unit-tested on its own: idle → connecting → queued → building → checking
 * → done, with the terminal outcome from the runner's `finished` frame.
 */
import { PROTOCOL_LIMITS, RunState, type BuildStep, type ErrorCode, type Problem, type ServerMessage } from "@/lib/protocol";
import type { CheckResult } from "@/lib/checks";
import type { ImageReport } from "@/lib/report";

export type RunPhase = "idle" | "connecting" | "queued" | "building" | "checking" | "done";

/** Errors the page raises itself, on top of the runner's ErrorCode. */
export type LocalErrorCode =
  | "runner_unreachable"
  | "connection_lost"
  | "token_failed"
  /** Refused in the page: over PROTOCOL_LIMITS.maxDockerfileBytes, so never sent. */
  | "dockerfile_too_large"
  /** The runner closed the socket with 1009: a frame was over its hard ceiling. */
  | "message_too_large";

export type RunView = {
  runId: string | null;
  phase: RunPhase;
  /** Runs ahead of this one while queued. */
  position: number;
  outcome: RunState | null;
  error: { code: ErrorCode | LocalErrorCode; message: string } | null;
  problems: Problem[];
  /** Keyed by step id (vertex digest), in order of first appearance. */
  steps: Record<string, BuildStep>;
  report: ImageReport | null;
  checks: CheckResult[] | null;
  durationMs: number | null;
  buildMs: number | null;
};

export type RunEvent =
  | { type: "start"; runId: string }
  | { type: "frame"; message: ServerMessage }
  /** No connection could be made (runner down, token route failed). */
  | { type: "unreachable"; code: LocalErrorCode; message: string }
  /** Refused before anything was sent (e.g. the Dockerfile is too large); ends at once. */
  | { type: "refused"; code: LocalErrorCode; message: string }
  /** The socket closed before `finished`; `code` is the WebSocket close code when known. */
  | { type: "closed"; code?: number };

/** WebSocket close code for "message too big" (RFC 6455 §7.4.1). */
export const CLOSE_TOO_LARGE = 1009;

export const idleRun: RunView = {
  runId: null,
  phase: "idle",
  position: 0,
  outcome: null,
  error: null,
  problems: [],
  steps: {},
  report: null,
  checks: null,
  durationMs: null,
  buildMs: null,
};

/**
 * Errors that end a run before (or instead of) a build: the runner may not follow them with a
 * `finished` frame, so the page ends the run itself.
 */
const ENDS_RUN: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "invalid_message",
  "frame_too_large",
  "rate_limited",
  "unauthorized",
  "unknown_exercise",
  "admission_rejected",
  "dockerfile_invalid",
  "already_running",
  "busy",
  "engine_unavailable",
  "database_unavailable",
  "disk_low",
]);

export function isBusy(view: RunView): boolean {
  return view.phase !== "idle" && view.phase !== "done";
}

/** True when a frame belongs to the current run; anything else is stale output and is dropped. */
export function isCurrent(view: RunView, message: ServerMessage): boolean {
  if (message.runId === view.runId && view.runId !== null) return true;
  // An error the runner could not tie to a run (e.g. a rejected token) concerns the run that is
  // still waiting for its first answer.
  return message.type === "error" && message.runId === null && view.phase === "connecting";
}

export function runReducer(view: RunView, event: RunEvent): RunView {
  switch (event.type) {
    case "start":
      return { ...idleRun, runId: event.runId, phase: "connecting" };
    case "unreachable":
      if (view.phase !== "connecting") return view;
      return { ...view, phase: "done", outcome: "error", error: { code: event.code, message: event.message } };
    case "refused":
      if (isBusy(view)) return view;
      return { ...idleRun, phase: "done", outcome: "error", error: { code: event.code, message: event.message } };
    case "closed":
      if (!isBusy(view)) return view;
      if (!view.error && event.code === CLOSE_TOO_LARGE) {
        return {
          ...view,
          phase: "done",
          outcome: "error",
          error: {
            code: "message_too_large",
            message:
              "The sandbox runner closed the connection because the message was too large. " +
              `A Dockerfile may be up to ${formatSize(PROTOCOL_LIMITS.maxDockerfileBytes)}; shorten it and Run again.`,
          },
        };
      }
      return {
        ...view,
        phase: "done",
        outcome: view.error ? "error" : "interrupted",
        error: view.error ?? {
          code: "connection_lost",
          message:
            "Interrupted: the sandbox stopped answering while your run was in progress (it is probably restarting). " +
            "Your Dockerfile is safe in the editor; press Re-run in a moment.",
        },
      };
    case "frame":
      if (!isCurrent(view, event.message) || view.phase === "done") return view;
      return applyFrame(view, event.message);
  }
}

function applyFrame(view: RunView, m: ServerMessage): RunView {
  switch (m.type) {
    case "accepted":
    case "queue":
      // Queue updates can trail the start of the build; never step backwards.
      if (view.phase === "building" || view.phase === "checking") return view;
      return { ...view, phase: m.position > 0 ? "queued" : "building", position: m.position };
    case "step":
      return {
        ...view,
        phase: view.phase === "checking" ? "checking" : "building",
        steps: { ...view.steps, [m.step.id]: m.step },
      };
    case "log":
      return view.phase === "queued" || view.phase === "connecting" ? { ...view, phase: "building" } : view;
    case "report":
      return { ...view, phase: "checking", report: m.report };
    case "checks":
      return { ...view, phase: "checking", checks: m.results };
    case "insight":
      return view.report ? { ...view, report: { ...view.report, insight: m.insight } } : view;
    case "error": {
      const next = { ...view, error: { code: m.code, message: m.message }, problems: m.problems ?? [] };
      return ENDS_RUN.has(m.code) ? { ...next, phase: "done", outcome: "error" } : next;
    }
    case "finished":
      return {
        ...view,
        phase: "done",
        outcome: m.state,
        durationMs: m.durationMs,
        buildMs: m.buildMs ?? null,
      };
  }
}

/** Errors where the sandbox, not the Dockerfile, stopped the run: the same text may simply run again. */
const SANDBOX_TROUBLE: ReadonlySet<string> = new Set(["engine_unavailable", "database_unavailable"]);

/**
 * Whether the page offers Re-run beside the status: the sandbox restarted (or its engine or
 * database went away) while the run was in progress, live or as the stored last run.
 */
export function offersRerun(view: RunView, latestState: string | null): boolean {
  if (view.phase === "idle") return latestState === "interrupted";
  if (view.phase !== "done") return false;
  return view.outcome === "interrupted" || (view.outcome === "error" && SANDBOX_TROUBLE.has(view.error?.code ?? ""));
}

/** The Dockerfile's size as the runner measures it: UTF-8 bytes, not characters. */
export function utf8Bytes(text: string): number {
  return new TextEncoder().encode(text).length;
}

/** 5.0 MB above a megabyte (how an editor or file manager would say it), KiB below. */
export function formatSize(bytes: number): string {
  if (bytes >= 1_000_000) return `${(bytes / 1_000_000).toFixed(1)} MB`;
  const kib = bytes / 1024;
  return `${Number.isInteger(kib) ? kib : kib.toFixed(1)} KiB`;
}

/**
 * Why the page will not send this Dockerfile, or null when it may. Checked before connecting, so
 * an oversized paste gets a clear answer instead of a closed socket, and stays in the editor.
 */
export function oversizeDockerfileMessage(text: string): string | null {
  const bytes = utf8Bytes(text);
  const max = PROTOCOL_LIMITS.maxDockerfileBytes;
  if (bytes <= max) return null;
  return `Your Dockerfile is ${formatSize(bytes)}; the sandbox accepts up to ${formatSize(max)}. Nothing was sent: shorten it and Run again.`;
}


export type RunTone = "neutral" | "pass" | "fail" | "warn";

/** One line for the live region and the status bar. */
export function describeRun(view: RunView, checkCount: number): { text: string; tone: RunTone } {
  switch (view.phase) {
    case "idle":
      return { text: "Ready. Run builds your Dockerfile in the sandbox and checks the image.", tone: "neutral" };
    case "connecting":
      return { text: "Connecting to the sandbox runner…", tone: "neutral" };
    case "queued":
      return {
        text: `Queued: position ${view.position} (${view.position === 1 ? "1 run" : `${view.position} runs`} ahead of yours)…`,
        tone: "neutral",
      };
    case "building": {
      const n = Object.keys(view.steps).length;
      return { text: n > 0 ? `Building… step ${n}` : "Building…", tone: "neutral" };
    }
    case "checking":
      return { text: "Checking the image…", tone: "neutral" };
    case "done":
      return describeOutcome(view, checkCount);
  }
}

/** The status line before any run on this page, when the database has the learner's last one. */
export function describeLastRun(state: string): { text: string; tone: RunTone } {
  const parsed = RunState.safeParse(state);
  // Not finished (another tab may be running it): nothing settled to report.
  if (!parsed.success) return describeRun(idleRun, 0);
  switch (parsed.data) {
    case "passed":
      return { text: "Your last run passed. Change anything and Run again.", tone: "pass" };
    case "failed":
      return { text: "Your last run failed: its checks and build log are below.", tone: "fail" };
    case "interrupted":
      return {
        text: "Your last run was interrupted: the sandbox restarted while it was running. Your Dockerfile is safe and nothing is wrong with it; press Re-run.",
        tone: "warn",
      };
    case "cancelled":
      return { text: "Your last run was cancelled. Run again when ready.", tone: "warn" };
    case "error":
      return { text: "Your last run could not finish: its message is in the build log below. Run again when ready.", tone: "warn" };
  }
}

/** Ends a message with a full stop unless it already has closing punctuation. */
function sentence(text: string): string {
  return /[.!?)]$/.test(text.trim()) ? text.trim() : `${text.trim()}.`;
}

function seconds(ms: number | null): string {
  return ms === null ? "" : ` in ${(ms / 1000).toFixed(1)} s`;
}

function describeOutcome(view: RunView, checkCount: number): { text: string; tone: RunTone } {
  const failed = view.checks?.filter((c) => c.status !== "pass").length ?? 0;
  const total = view.checks?.length ?? checkCount;
  switch (view.outcome) {
    case "passed":
      return { text: `Passed: all ${total} checks are green${seconds(view.durationMs)}.`, tone: "pass" };
    case "failed":
      if (view.error?.code === "build_failed" || !view.checks) {
        return { text: sentence(`Failed: ${view.error?.message ?? "the build did not succeed"}`), tone: "fail" };
      }
      return { text: `Failed: ${failed} of ${total} checks did not pass.`, tone: "fail" };
    case "cancelled":
      return { text: "Cancelled.", tone: "warn" };
    case "interrupted":
      return {
        text: view.error?.message ?? "Interrupted: the runner stopped before the run finished. Run again.",
        tone: "warn",
      };
    case "error":
    case null:
      return { text: view.error?.message ?? "Something went wrong.", tone: "fail" };
  }
}
