/**
 * The admission gates that have no course-rule twin (parser directives, remote ADD sources,
 * instruction flags, ONBUILD), shown in the editor so the learner sees the runner's refusal before
 * pressing Run. Findings keep the admission rule ids (`parser-directive`, `run-flag`, …).
 */
import type { Problem } from "../../protocol";
import { instructionFlags } from "../admission/instruction-flags";
import { parserDirectives } from "../admission/parser-directives";
import { remoteSources } from "../admission/remote-sources";
import { splitLines } from "../admission/text-limits";
import { LESSON_LINKS } from "../links";
import type { Finding, Rule } from "./types";

function lineFinding(problem: Problem, lines: readonly string[]): Finding {
  const line = (problem.line ?? 1) - 1;
  const length = lines[line]?.length ?? 0;
  return {
    rule: problem.rule,
    message: problem.message,
    range: { start: { line, character: 0 }, end: { line, character: Math.max(1, length) } },
  };
}

export const sandboxRestrictions: Rule = {
  id: "sandbox",
  severity: "error",
  link: LESSON_LINKS.sandboxRules,
  check({ analysis }) {
    const lines = splitLines(analysis.text);
    const problems = [...parserDirectives(analysis.text), ...remoteSources(analysis), ...instructionFlags(analysis)];
    return problems.map((p) => lineFinding(p, lines));
  },
};
