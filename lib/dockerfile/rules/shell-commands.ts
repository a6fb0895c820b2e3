/**
 * A RUN instruction as a list of simple commands (`a && b; c | d` → `[a], [b], [c], [d]`), each
 * a list of words, for rules that look for package installs. A heuristic, not a shell parser:
 * quotes are not interpreted, which is enough to spot `npm ci` or `apt-get install gcc`.
 */
import type { Instruction } from "dockerfile-ast";
import { isExecForm } from "./shell-form-cmd";

const SEPARATOR = /&&|\|\||[;|&\n]/;
// `CGO_ENABLED=0 go build` runs `go`: leading assignments are not the command.
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function runCommands(run: Instruction): string[][] {
  if (isExecForm(run)) {
    const words = JSON.parse(run.getArgumentsContent() ?? "[]") as string[];
    return [words];
  }
  // getArguments() already drops comment lines inside a continued RUN, unlike the raw content.
  const text = run.getArguments().map((a) => a.getValue()).join(" ");
  return text
    .split(SEPARATOR)
    .map((command) => {
      const words = command.trim().split(/\s+/).filter(Boolean);
      while (words.length > 1 && ASSIGNMENT.test(words[0]!)) words.shift();
      return words;
    })
    .filter((words) => words.length > 0);
}

/** The first word after `index` that is not an option (`-y`, `--no-cache`). */
export function subcommand(words: readonly string[], index = 0): string | undefined {
  return words.slice(index + 1).find((w) => !w.startsWith("-"));
}
