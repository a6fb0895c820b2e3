/**
 * The final stage's CMD/ENTRYPOINT should use exec form (a JSON array). Shell form runs the
 * program under `/bin/sh -c`: the program is not PID 1, misses `docker stop`'s SIGTERM, and the
 * image needs a shell at all.
 */
import type { Instruction } from "dockerfile-ast";
import { finalStage } from "../analysis";
import { LESSON_LINKS } from "../links";
import type { Rule } from "./types";

/** Exec form is what BuildKit accepts as JSON: an array of strings. Anything else is shell form. */
export function isExecForm(instruction: Instruction): boolean {
  const content = instruction.getArgumentsContent()?.trim() ?? "";
  if (!content.startsWith("[")) return false;
  try {
    const parsed: unknown = JSON.parse(content);
    return Array.isArray(parsed) && parsed.every((p) => typeof p === "string");
  } catch {
    return false;
  }
}

/** The exec form of a simple command line; undefined when shell syntax would need a shell. */
export function execFormOf(args: string): string | undefined {
  if (args === "" || /[|&;<>$`(){}*?'"\\[\]]/.test(args)) return undefined;
  return `[${args.split(/\s+/).map((word) => JSON.stringify(word)).join(", ")}]`;
}

export const shellFormCmd: Rule = {
  id: "shell-form-cmd",
  severity: "warning",
  link: LESSON_LINKS.execForm,
  check({ analysis }) {
    const final = finalStage(analysis);
    if (!final) return [];
    // Only the last CMD and the last ENTRYPOINT take effect.
    return ["CMD", "ENTRYPOINT"].flatMap((keyword) => {
      const last = final.instructions.filter((i) => i.getKeyword() === keyword).at(-1);
      if (!last || isExecForm(last)) return [];
      const args = last.getArgumentsContent()?.trim() ?? "";
      const example = execFormOf(args);
      const hint = example ? `, e.g. \`${keyword} ${example}\`` : "";
      return [
        {
          message: `This ${keyword} is in shell form, so it runs under \`/bin/sh -c\` and your program does not receive stop signals directly. Write it as a JSON array (exec form)${hint}.`,
          range: last.getRange(),
        },
      ];
    });
  },
};
