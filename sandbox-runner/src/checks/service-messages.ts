/** Sentences about a program that ran in the sandbox: how it ended and what it tried to write. */
import { sanitizeTerminalText } from "../../../lib/progress-render";
import { formatBytes } from "../../../lib/report";
import type { ServiceExit } from "../container-run";
import { SANDBOX_LIMITS } from "../limits";
import { quoteOutput } from "./output-text";
import type { HttpAttempt } from "./http-probe";

/**
 * `exited with code 3 after 0.4 s[ context]: it tried to write to /app/x, but …; its last error
 * output was "…"`. `context` follows the exit, e.g. " before answering on port 8080".
 */
export function describeExit(exit: ServiceExit, stderr: string, writable: readonly string[], context = ""): string {
  if (exit.oomKilled) {
    return `was killed after ${seconds(exit.afterMs)}${context} for using more than ${formatBytes(SANDBOX_LIMITS.container.memoryBytes)} of memory`;
  }
  let text = `exited with code ${exit.exitCode} after ${seconds(exit.afterMs)}${context}`;
  const write = readOnlyWrite(stderr);
  if (write) text += `: it tried to write${write.path ? ` to ${write.path}` : ""}, but the root filesystem is read-only (${writableText(writable)})`;
  if (stderr.trim()) text += `; its last error output was ${quoteOutput(stderr, { tail: true })}`;
  return text;
}

/** "only /tmp is writable", "only /tmp, /app/cache are writable", "nothing is writable". */
export function writableText(writable: readonly string[]): string {
  if (writable.length === 0) return "nothing is writable";
  return `only ${writable.join(", ")} ${writable.length === 1 ? "is" : "are"} writable`;
}

/**
 * A "Read-only file system" error in a program's output, and the path it names if any: quoted
 * (`EROFS: read-only file system, open '/app/x'`, Python's `…: '/app/x'`) or bare
 * (`sh: can't create /app/x: Read-only file system`, Go's `open /app/x: read-only file system`).
 */
export function readOnlyWrite(output: string): { path: string | null } | null {
  const line = sanitizeTerminalText(output)
    .split("\n")
    .find((l) => /read-only file system/i.test(l));
  if (line === undefined) return null;
  const quoted = /'(\/[^']*)'|"(\/[^"]*)"/.exec(line);
  const bare = /(?:^|\s)(\/[^\s:'",]+)/.exec(line);
  const path = quoted?.[1] ?? quoted?.[2] ?? bare?.[1] ?? null;
  return { path: path && path.length <= 200 ? path : null };
}

/** What a failed GET saw, as the end of a sentence: "the connection was refused (nothing listens on port 8080)". */
export function describeAttempt(attempt: HttpAttempt, port: number, path: string): string {
  switch (attempt.kind) {
    case "answered":
      return `GET ${path} answered ${statusText(attempt)}`;
    case "refused":
      return `the connection was refused, so nothing listens on port ${port} inside the container`;
    case "no-answer":
      return `port ${port} took the connection but GET ${path} got no answer within a few seconds`;
    case "failed":
      return `GET ${path} failed: ${quoteOutput(attempt.message)}`;
  }
}

export function statusText(answer: { status: number; reason: string }): string {
  const reason = sanitizeTerminalText(answer.reason).trim().slice(0, 60);
  return reason ? `${answer.status} ${reason}` : String(answer.status);
}

export function seconds(ms: number): string {
  return `${(Math.max(ms, 0) / 1000).toFixed(1)} s`;
}
