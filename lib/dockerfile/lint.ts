/**
 * `lintDockerfile`: what the editor underlines. Builder-equivalent syntax errors from
 * dockerfile-utils, then the course rules from the registry, sorted by position.
 */
import { analyze } from "./analysis";
import { catalogLookup } from "./catalog";
import { toMonacoRange, type Diagnostic } from "./diagnostic";
import { LESSON_LINKS } from "./links";
import { COURSE_RULES, type Rule, type RuleContext } from "./rules";
import { SYNTAX_COVERED_BY_COURSE_RULES, syntaxDiagnostics } from "./syntax";

/**
 * Largest text linted. dockerfile-utils needs seconds on megabytes of text, which would freeze the
 * editor; the runner refuses anything over 64 KiB anyway.
 * @default 256 KiB
 */
export const LINT_MAX_CHARS = 256 * 1024;

function runRule(rule: Rule, ctx: RuleContext): Diagnostic[] {
  try {
    return rule.check(ctx).map((f) => ({
      rule: f.rule ?? rule.id,
      severity: rule.severity,
      message: f.message,
      ...toMonacoRange(f.range),
      link: rule.link,
    }));
  } catch {
    // One broken rule must not hide the others' findings (or the syntax errors).
    return [];
  }
}

const byPosition = (a: Diagnostic, b: Diagnostic) => a.startLine - b.startLine || a.startColumn - b.startColumn;

export function lintDockerfile(text: string, rules: readonly Rule[] = COURSE_RULES): Diagnostic[] {
  const source = String(text);
  if (source.length > LINT_MAX_CHARS) {
    return [
      {
        rule: "too-large",
        severity: "error",
        message: `This Dockerfile is too large to check (${source.length} characters; the limit is ${LINT_MAX_CHARS}).`,
        startLine: 1,
        startColumn: 1,
        endLine: 1,
        endColumn: 2,
        link: LESSON_LINKS.sandboxRules,
      },
    ];
  }
  let syntax: Diagnostic[] = [];
  try {
    syntax = syntaxDiagnostics(source).filter((d) => !SYNTAX_COVERED_BY_COURSE_RULES.has(d.rule));
  } catch {
    // dockerfile-utils failed on this input: the course rules below still run.
  }
  let course: Diagnostic[] = [];
  try {
    const ctx: RuleContext = { analysis: analyze(source), ...catalogLookup() };
    course = rules.flatMap((rule) => runRule(rule, ctx));
  } catch {
    // The parser failed: syntax diagnostics (if any) are all we can offer.
  }
  return [...syntax, ...course].sort(byPosition);
}
