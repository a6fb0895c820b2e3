/**
 * Size and shape limits checked before anything parses the text, so hostile input (megabytes,
 * endless continuations, giant lines) costs the runner nothing.
 */
import type { Problem } from "../../protocol";
import { LESSON_LINKS } from "../links";
import type { TextGate } from "./types";

const link = LESSON_LINKS.sandboxRules;

export function splitLines(text: string): string[] {
  const lines = text.split(/\r\n|\r|\n/);
  // A trailing newline ends the last line; it does not start another.
  if (lines.length > 1 && lines.at(-1) === "") lines.pop();
  return lines;
}

/** The escape character from a leading `# escape=` directive (BuildKit reads directives only at the top). */
export function escapeCharacter(lines: readonly string[]): string {
  for (const line of lines) {
    const match = /^\s*#\s*([A-Za-z]+)\s*=\s*(.*?)\s*$/.exec(line);
    if (!match) break;
    if (match[1]?.toLowerCase() === "escape" && (match[2] === "`" || match[2] === "\\")) return match[2];
  }
  return "\\";
}

/** 1-based line where the first over-long continuation chain starts, or null. */
export function longContinuation(lines: readonly string[], escape: string, max: number): number | null {
  let continuing = false;
  let start = 0;
  let length = 0;
  for (const [i, line] of lines.entries()) {
    const trimmed = line.trim();
    const commentOrBlank = trimmed === "" || trimmed.startsWith("#");
    if (!continuing) {
      if (commentOrBlank || !trimmed.endsWith(escape)) continue;
      continuing = true;
      start = i;
      length = 1;
      continue;
    }
    length += 1;
    if (length > max) return start + 1;
    // Comments and blank lines inside a continued instruction do not end it.
    if (!commentOrBlank && !trimmed.endsWith(escape)) continuing = false;
  }
  return null;
}

export const textLimits: TextGate = (text, options) => {
  if (text.trim() === "") {
    return [{ rule: "empty", message: "The Dockerfile is empty. Start with a `FROM` line that names a base image.", link: LESSON_LINKS.stages }];
  }
  const bytes = new TextEncoder().encode(text).length;
  if (bytes > options.maxBytes) {
    return [{ rule: "too-large", message: `The Dockerfile is ${bytes} bytes; the sandbox accepts at most ${options.maxBytes}.`, link }];
  }
  const lines = splitLines(text);
  if (lines.length > options.maxLines) {
    return [{ rule: "too-many-lines", message: `The Dockerfile has ${lines.length} lines; the sandbox accepts at most ${options.maxLines}.`, link }];
  }
  const problems: Problem[] = [];
  const longLine = lines.findIndex((l) => l.length > options.maxLineChars);
  if (longLine !== -1) {
    problems.push({
      rule: "line-too-long",
      line: longLine + 1,
      message: `This line has ${lines[longLine]?.length} characters; the sandbox accepts at most ${options.maxLineChars} per line.`,
      link,
    });
  }
  const chain = longContinuation(lines, escapeCharacter(lines), options.maxContinuationLines);
  if (chain !== null) {
    problems.push({
      rule: "continuation-too-long",
      line: chain,
      message: `The instruction starting here continues over more than ${options.maxContinuationLines} lines; split it into several instructions.`,
      link,
    });
  }
  return problems;
};
