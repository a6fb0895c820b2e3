/**
 * Build progress as text, shaped like `docker build --progress=plain`:
 *
 *   #3 [builder 2/4] RUN go build -o /out/app .
 *   #3 0.512 go: downloading …
 *   #3 DONE 4.1s
 *
 *   #4 [stage-1 2/3] COPY --from=builder /out/app /app
 *   #4 CACHED
 *
 * Output lines carry the seconds since the renderer first saw the step start (the wire protocol
 * has no per-chunk timestamps; arrival time is what the learner experiences anyway).
 *
 * The returned text uses "\n" only. A terminal such as xterm.js needs "\r\n": converting is the
 * caller's job (`text.replace(/\n/g, "\r\n")`), so this module stays usable for plain logs too.
 *
 * Pure TypeScript: shared by the browser terminal and the runner's stored log.
 */
import type { BuildStep, ServerMessage } from "./protocol";

// ---------------------------------------------------------------------------------------------
// Sanitising: build output is attacker-controlled text headed for a terminal emulator.
// ---------------------------------------------------------------------------------------------

/**
 * Longest OSC/DCS/… string swallowed while waiting for its terminator; past this the sequence is
 * dropped and plain text resumes, so one stray "ESC ]" cannot hide the rest of a build log.
 */
const MAX_STRING_SEQUENCE = 4096;

type ScanState = "text" | "esc" | "escInter" | "csi" | "str" | "strEsc";

/**
 * A sanitiser for a stream cut into arbitrary chunks. It is a small linear state machine (no
 * backtracking regexes: the input is hostile), so an escape sequence or a "\r\n" split across two
 * chunks is still recognised and neither leaks as text nor doubles a newline.
 *
 * Kept: printable text, "\n", "\t". Removed: CSI (colours, cursor moves, screen clears), OSC
 * (titles, hyperlinks, clipboard), DCS/SOS/PM/APC strings, other ESC sequences, the 8-bit C1
 * forms and every other C0/C1 control and DEL. "\r\n" becomes "\n" and a lone "\r" (progress
 * bars redrawing a line) becomes "\n", so output never moves the cursor back over earlier text.
 */
export function createTextSanitizer(): { push(chunk: string): string; end(): string } {
  let state: ScanState = "text";
  let pendingCR = false;
  let strLen = 0;

  const push = (chunk: string): string => {
    let out = "";
    let runStart = -1; // start of a run of plain text copied in one slice
    const flushRun = (i: number) => {
      if (runStart >= 0) out += chunk.slice(runStart, i);
      runStart = -1;
    };
    for (let i = 0; i < chunk.length; i++) {
      const c = chunk.charCodeAt(i);
      switch (state) {
        case "text":
          if (pendingCR) {
            pendingCR = false;
            out += "\n";
            if (c === 0x0a) continue;
          }
          if (c >= 0x20 && c !== 0x7f && (c < 0x80 || c > 0x9f)) {
            if (runStart < 0) runStart = i;
            continue;
          }
          flushRun(i);
          if (c === 0x0a || c === 0x09) out += chunk[i];
          else if (c === 0x0d) pendingCR = true;
          else if (c === 0x1b) state = "esc";
          else if (c === 0x9b) state = "csi";
          else if (c === 0x90 || c === 0x98 || c === 0x9d || c === 0x9e || c === 0x9f) {
            state = "str";
            strLen = 0;
          }
          continue; // any other control character is dropped
        case "esc":
          if (c === 0x5b) state = "csi";
          else if (c === 0x5d || c === 0x50 || c === 0x58 || c === 0x5e || c === 0x5f) {
            state = "str";
            strLen = 0;
          } else if (c >= 0x20 && c <= 0x2f) state = "escInter";
          else if (c >= 0x30 && c <= 0x7e) state = "text";
          else {
            state = "text";
            i--; // not a sequence after all: look at this character as text
          }
          continue;
        case "escInter":
          if (c >= 0x20 && c <= 0x2f) continue;
          state = "text";
          if (c < 0x30 || c > 0x7e) i--;
          continue;
        case "csi":
          if (c >= 0x20 && c <= 0x3f) continue;
          state = "text";
          if (c < 0x40 || c > 0x7e) i--;
          continue;
        case "str":
          if (c === 0x07 || c === 0x9c) state = "text";
          else if (c === 0x1b) state = "strEsc";
          else if (++strLen > MAX_STRING_SEQUENCE) state = "text";
          continue;
        case "strEsc":
          // ESC \ ends the string; any other ESC aborts it and starts a new sequence (as xterm does).
          state = c === 0x5c ? "text" : "esc";
          if (c !== 0x5c) i--;
          continue;
      }
    }
    flushRun(chunk.length);
    return out;
  };

  return {
    push,
    end() {
      // A trailing "\r" is still a line break; a sequence that never ended is dropped.
      const out = pendingCR ? "\n" : "";
      pendingCR = false;
      state = "text";
      return out;
    },
  };
}

/** `createTextSanitizer` for one self-contained piece of text. */
export function sanitizeTerminalText(text: string): string {
  const s = createTextSanitizer();
  return s.push(text) + s.end();
}

// ---------------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------------

type StepView = { number: number; status: BuildStep["status"] | null; startedAt: number; partial: string };

export type PlainRendererOptions = {
  /** Clock for the output time column. @default Date.now */
  now?: () => number;
};

export type PlainRenderer = {
  step(s: BuildStep): string;
  log(stepId: string | undefined, chunk: string): string;
};

export function createPlainRenderer(options: PlainRendererOptions = {}): PlainRenderer {
  const now = options.now ?? Date.now;
  const views = new Map<string, StepView>();
  let printedAny = false;

  const header = (s: BuildStep, view: StepView) => {
    const gap = printedAny ? "\n" : "";
    printedAny = true;
    view.startedAt = now();
    return `${gap}#${view.number} ${oneLine(s.name)}\n`;
  };

  /** Output that did not end in a newline is finished off before the step's verdict. */
  const flush = (view: StepView) => {
    if (!view.partial) return "";
    const line = `#${view.number} ${elapsed(view, now)} ${view.partial}\n`;
    view.partial = "";
    return line;
  };

  return {
    step(s) {
      let view = views.get(s.id);
      let out = "";
      if (!view) {
        view = { number: s.number, status: null, startedAt: now(), partial: "" };
        views.set(s.id, view);
        out += header(s, view);
      }
      if (view.status === s.status) return out;
      view.status = s.status;
      switch (s.status) {
        case "started":
          break;
        case "cached":
          out += flush(view) + `#${view.number} CACHED\n`;
          break;
        case "finished":
          out += flush(view) + `#${view.number} DONE ${formatSeconds(s.durationMs)}\n`;
          break;
        case "failed":
          out += flush(view) + `#${view.number} ERROR: ${oneLine(s.error ?? "failed")}\n`;
          break;
      }
      return out;
    },
    log(stepId, chunk) {
      const text = sanitizeTerminalText(chunk);
      const view = stepId ? views.get(stepId) : undefined;
      if (!view) return text; // runner notes and output of unknown steps go out unprefixed
      const lines = (view.partial + text).split("\n");
      view.partial = lines.pop() ?? "";
      return lines.map((l) => `#${view.number} ${elapsed(view, now)} ${l}\n`).join("");
    },
  };
}

const oneLine = (s: string) => sanitizeTerminalText(s).replace(/\n+/g, " ").trim();
const elapsed = (view: StepView, now: () => number) => (Math.max(0, now() - view.startedAt) / 1000).toFixed(3);
const formatSeconds = (ms: number | undefined) => `${((ms ?? 0) / 1000).toFixed(1)}s`;

/**
 * What the build terminal prints for one runner frame: steps and output rendered like
 * `docker build --progress=plain`, errors and the outcome on lines of their own. The lesson page
 * writes this to xterm live and the runner stores the same text as the run's log, so a replay
 * after a reload looks exactly like the live run.
 */
export function terminalText(renderer: PlainRenderer, m: ServerMessage): string {
  switch (m.type) {
    case "step":
      return renderer.step(m.step);
    case "log":
      return renderer.log(m.stepId, m.chunk);
    case "error": {
      // The message sums several problems up; the log spells each one out on its own line. Both
      // may quote the learner's text (an image name, a flag), which can hold escape sequences.
      const problems = m.problems && m.problems.length > 1 ? m.problems.map((p) => `  ${p.line ? `line ${p.line}: ` : ""}${oneLine(p.message)}\n`).join("") : "";
      return `\n${sanitizeTerminalText(m.message)}\n${problems}`;
    }
    case "finished":
      return `\n=> ${m.state} in ${(m.durationMs / 1000).toFixed(1)}s\n`;
    default:
      return "";
  }
}
