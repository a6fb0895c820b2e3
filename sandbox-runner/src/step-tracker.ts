/**
 * Folds BuildKit status updates into learner-facing steps.
 *
 * BuildKit re-sends the same vertex many times as it progresses (DESIGN.md §2), so state is keyed
 * by digest and a `BuildStep` is emitted only when what the learner sees changed. Log chunks are
 * raw pieces of output (not lines): they are attributed to their step, decoded as UTF-8 across
 * chunk boundaries and sanitised, but never re-split into lines here.
 */
import { StringDecoder } from "node:string_decoder";
import type { BuildStep } from "@/lib/protocol";
import { createTextSanitizer, sanitizeTerminalText } from "@/lib/progress-render";
import type { StatusUpdate, TraceVertex } from "./trace-decoder";

/**
 * `clipped` is set on the chunk that completed BuildKit's clip marker, with the limit as BuildKit
 * words it ("200KiB/s", "1MiB"): after the marker BuildKit drops the rest of that step's output.
 */
export type StepLog = { stepId: string; stream: "stdout" | "stderr"; chunk: string; rawBytes: number; clipped?: string };

/**
 * BuildKit's own per-step output limit: once a step prints faster than 200 KiB/s (or more than its
 * per-step total), BuildKit appends `\n[output clipped, log limit 200KiB/s reached]\n` and drops
 * the step's output for as long as it stays over the limit: for `yes`, until the step ends, so the
 * runner's total cap is never reached (text verified on Docker 20.10's BuildKit).
 */
const CLIP_MARKER = /\[output clipped, log limit ([^\]\r\n]{1,32}) reached\]/;
/** Raw bytes kept per stream so a marker cut across two chunks is still found. */
const CLIP_CARRY = 96;

/** How much recent output per step is kept for the failure message. */
const TAIL_CHARS = 4096;

type StepState = {
  vertex: TraceVertex;
  number?: number;
  lastEmitted?: string;
  step?: BuildStep;
  tail: string;
  decoders: Map<"stdout" | "stderr", StreamState>;
};

type StreamState = {
  utf8: StringDecoder;
  clean: ReturnType<typeof createTextSanitizer>;
  /** The last raw bytes (latin1: one char per byte), for the clip marker. */
  carry: string;
};

/**
 * Looks for the clip marker in raw bytes, before sanitising: a learner's unterminated escape
 * sequence could otherwise swallow the marker and hide the clip from the runner.
 */
function findClip(dec: StreamState, msg: Buffer): string | undefined {
  const text = dec.carry + msg.toString("latin1");
  const m = CLIP_MARKER.exec(text);
  // After a match, forget it so the same marker is not reported twice.
  dec.carry = (m ? text.slice(m.index + m[0].length) : text).slice(-CLIP_CARRY);
  return m?.[1];
}

/** `[builder 3/5] RUN …` → "builder"; `[stage-1 2/3] COPY …` → "stage-1"; `[2/3] …` → none. */
export function stageOf(name: string): string | undefined {
  const m = /^\[([^\]\s]+) \d+\/\d+\]/.exec(name);
  return m?.[1];
}

function statusOf(v: TraceVertex): BuildStep["status"] | null {
  if (v.error) return "failed";
  if (v.cached) return "cached";
  if (v.completed !== undefined) return "finished";
  if (v.started !== undefined) return "started";
  return null; // known but not started yet: BuildKit lists the whole graph up front
}

export function createStepTracker() {
  const byDigest = new Map<string, StepState>();
  let nextNumber = 1;

  const stateFor = (digest: string): StepState => {
    let s = byDigest.get(digest);
    if (!s) {
      s = { vertex: { digest, inputs: [], name: "", cached: false }, tail: "", decoders: new Map() };
      byDigest.set(digest, s);
    }
    return s;
  };

  const toStep = (s: StepState, status: BuildStep["status"]): BuildStep => {
    const v = s.vertex;
    // Numbers follow first *display* (like --progress=plain), so the learner sees #1, #2, … with
    // no gaps for vertices that were planned but never ran (skipped stages).
    s.number ??= nextNumber++;
    // Names echo the learner's Dockerfile text, errors echo command lines: both can carry escapes.
    const step: BuildStep = { id: v.digest, number: s.number, name: sanitizeTerminalText(v.name), status };
    const stage = stageOf(v.name);
    if (stage) step.stage = stage;
    if (v.started !== undefined && v.completed !== undefined) {
      step.durationMs = Math.max(0, v.completed - v.started);
    }
    if (v.error) step.error = sanitizeTerminalText(v.error);
    return step;
  };

  return {
    /** Applies one decoded trace message; returns only what changed, in arrival order. */
    apply(update: StatusUpdate): { steps: BuildStep[]; logs: StepLog[] } {
      const steps: BuildStep[] = [];
      const logs: StepLog[] = [];
      for (const v of update.vertexes) {
        const s = stateFor(v.digest);
        // Later messages for a vertex are complete snapshots of it; keep the richest view.
        s.vertex = { ...v, name: v.name || s.vertex.name };
        const status = statusOf(s.vertex);
        if (!status) continue;
        const step = toStep(s, status);
        const key = JSON.stringify(step);
        if (key === s.lastEmitted) continue;
        s.lastEmitted = key;
        s.step = step;
        steps.push(step);
      }
      for (const l of update.logs) {
        const s = stateFor(l.vertex);
        let dec = s.decoders.get(l.stream);
        if (!dec) {
          dec = { utf8: new StringDecoder("utf8"), clean: createTextSanitizer(), carry: "" };
          s.decoders.set(l.stream, dec);
        }
        const chunk = dec.clean.push(dec.utf8.write(l.msg));
        s.tail = (s.tail + chunk).slice(-TAIL_CHARS);
        const clipped = findClip(dec, l.msg);
        if (chunk || l.msg.length) {
          logs.push({ stepId: l.vertex, stream: l.stream, chunk, rawBytes: l.msg.length, ...(clipped ? { clipped } : {}) });
        }
      }
      return { steps, logs };
    },
    /**
     * Marks steps still running as failed with `note` (the build was stopped under them: cancel,
     * timeout, log cap) and returns them, so the UI and the outcome stop showing them as running.
     */
    interrupt(note: string): BuildStep[] {
      const changed: BuildStep[] = [];
      for (const s of byDigest.values()) {
        if (s.step?.status !== "started") continue;
        s.step = { ...s.step, status: "failed", error: note };
        s.lastEmitted = JSON.stringify(s.step);
        changed.push(s.step);
      }
      return changed.sort((a, b) => a.number - b.number);
    },
    /** The step with this id, once it has been shown. */
    step(stepId: string): BuildStep | undefined {
      return byDigest.get(stepId)?.step;
    },
    /** Every step shown so far, by number. */
    steps(): BuildStep[] {
      return [...byDigest.values()]
        .flatMap((s) => (s.step ? [s.step] : []))
        .sort((a, b) => a.number - b.number);
    },
    /** The step BuildKit marked failed, if any (the first one by number). */
    failedStep(): BuildStep | undefined {
      return this.steps().find((s) => s.status === "failed");
    },
    /** The last `n` non-empty output lines of a step, for failure messages. */
    lastLines(stepId: string, n: number): string[] {
      const tail = byDigest.get(stepId)?.tail ?? "";
      return tail.split("\n").filter((l) => l.trim() !== "").slice(-n);
    },
  };
}

export type StepTracker = ReturnType<typeof createStepTracker>;
