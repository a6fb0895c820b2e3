/** Quoting a container's output inside a one-line check message, safely and briefly. */
import { sanitizeTerminalText } from "../../../lib/progress-render";

/**
 * `"hello\nworld"`: terminal escapes and control characters removed (the output is the learner's
 * program's, so hostile), cut to `max` characters, from the end when `tail` (errors come last).
 */
export function quoteOutput(text: string, opts: { max?: number; tail?: boolean } = {}): string {
  const max = opts.max ?? 200;
  const clean = sanitizeTerminalText(text).trim();
  if (clean === "") return "nothing";
  if (clean.length <= max) return JSON.stringify(clean);
  return opts.tail ? `…${JSON.stringify(clean.slice(-max))}` : `${JSON.stringify(clean.slice(0, max))}…`;
}
