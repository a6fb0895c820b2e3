/**
 * Reading a learner's raw WebSocket frame before (or instead of) parsing it: its size and text,
 * and what to tell the learner when it is refused. Every frame is `unknown` until
 * `parseClientMessage` accepts it; these helpers only look far enough to answer helpfully.
 */
import type { RawData } from "ws";
import { PROTOCOL_LIMITS, RunId } from "../../lib/protocol";
import { formatBytes } from "../../lib/report";

/** Says the limit in KiB, and what that means for the one big thing a learner sends. */
export function frameTooLargeMessage(size: number, maxFrameBytes: number): string {
  return (
    `The message was ${formatBytes(size)}, over the runner's limit of ${inKiB(maxFrameBytes)} per message, so it was ignored. ` +
    `A Dockerfile may be up to ${inKiB(PROTOCOL_LIMITS.maxDockerfileBytes)}.`
  );
}

/** A limit in KiB as people write it: "64 KiB", not "64.0 KiB". */
const inKiB = (bytes: number) => `${Math.round((bytes / 1024) * 10) / 10} KiB`;

export function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

export function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data as ArrayBuffer).toString("utf8");
}

/**
 * For a `start` frame refused only because its Dockerfile is over the protocol's cap: what to tell
 * the learner (it is a Dockerfile problem, not a protocol one). Null for any other bad frame.
 */
export function oversizeDockerfile(text: string): string | null {
  try {
    const value = JSON.parse(text) as { type?: unknown; files?: { Dockerfile?: unknown } } | null;
    const dockerfile = value?.type === "start" ? value.files?.Dockerfile : undefined;
    if (typeof dockerfile !== "string" || dockerfile.length <= PROTOCOL_LIMITS.maxDockerfileBytes) return null;
    const max = PROTOCOL_LIMITS.maxDockerfileBytes;
    return `The Dockerfile is ${dockerfile.length} characters long; the sandbox accepts at most ${max} (${inKiB(max)}). Nothing was built.`;
  } catch {
    return null;
  }
}

/** The run id of a frame that failed validation, when it has a well-formed one. */
export function runIdOf(text: string): string | null {
  try {
    const value: unknown = JSON.parse(text);
    const id = (value as { runId?: unknown } | null)?.runId;
    return RunId.safeParse(id).success ? (id as string) : null;
  } catch {
    return null;
  }
}

/**
 * Whether JSON text nests arrays and objects deeper than `max` (brackets inside strings do not
 * count). One pass over the text, so the runner never hands a deeply nested frame to JSON.parse.
 */
export function nestedDeeperThan(text: string, max: number): boolean {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // a backslash escapes the next character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth += 1;
      if (depth > max) return true;
    } else if (c === 0x7d || c === 0x5d) {
      depth -= 1;
    }
  }
  return false;
}
