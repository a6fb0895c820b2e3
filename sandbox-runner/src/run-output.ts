/**
 * What one run says on its way to the page, and the copy of it kept for the Submission. Build
 * output is batched (a `yes` flood becomes one frame every `logFlushMs`); every other message
 * flushes the batch first, so the page sees logs before the step they end.
 */
import { createPlainRenderer, terminalText } from "../../lib/progress-render";
import type { ServerMessage } from "../../lib/protocol";
import { SANDBOX_LIMITS } from "./limits";
import { LogBatcher, type LogEntry } from "./run-log";

/** How much build output a run returns for its Submission (db/ caps it again, keeping the tail). */
export const STORED_LOG_BYTES = 256 * 1024;

export type RunOutput = {
  /** Sends a message after the output batched so far. */
  send(message: ServerMessage): void;
  /** Queues build output for the next batch. */
  log(entry: LogEntry): void;
  /** A line from the runner itself (not the build) in the learner's terminal. */
  note(chunk: string): void;
  /** Flushes, sends the run's last message and returns the stored log (see `STORED_LOG_BYTES`). */
  end(finished: ServerMessage): string;
};

/** `forward` gets every message in order; the transcript is the terminal text the page shows. */
export function createRunOutput(runId: string, forward: (message: ServerMessage) => void): RunOutput {
  // The stored log is the terminal's text and keeps the tail: that is where a build's error is.
  const renderer = createPlainRenderer();
  let transcript = "";
  const emit = (message: ServerMessage) => {
    transcript += terminalText(renderer, message);
    if (transcript.length > 2 * STORED_LOG_BYTES) transcript = transcript.slice(-STORED_LOG_BYTES);
    forward(message);
  };
  const batcher = new LogBatcher(SANDBOX_LIMITS.socket.logFlushMs, (e) => emit({ type: "log", runId, ...e }));
  return {
    send(message) {
      batcher.flush();
      emit(message);
    },
    log: (entry) => batcher.push(entry),
    note: (chunk) => batcher.push({ stream: "runner", chunk: chunk.endsWith("\n") ? chunk : `${chunk}\n` }),
    end(finished) {
      batcher.flush();
      batcher.stop();
      emit(finished);
      return transcript.slice(-STORED_LOG_BYTES);
    },
  };
}
