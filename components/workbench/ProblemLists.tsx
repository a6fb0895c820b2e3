/**
 * The editor's findings as text: lint diagnostics (also drawn as Monaco markers) and the runner's
 * admission problems. A list under the editor reaches screen readers and phones, where hovering
 * a squiggle is not an option.
 */
import type { Diagnostic } from "@/lib/dockerfile";
import type { Problem } from "@/lib/protocol";
import { InlineCode } from "../InlineCode";
import type { FixableDiagnostic } from "./quick-fix-actions";

export function DiagnosticList({
  diagnostics,
  onFix,
}: {
  diagnostics: FixableDiagnostic[];
  /** Applies a diagnostic's quick fix in the editor. */
  onFix?(diagnostic: FixableDiagnostic): void;
}) {
  if (diagnostics.length === 0) return null;
  return (
    <ul className="diagnostics" aria-label="Dockerfile problems">
      {diagnostics.map((d, i) => (
        <li key={i} data-severity={d.severity}>
          <span className="diag-line">Line {d.startLine}</span>
          <span className="diag-message">
            <InlineCode text={d.message} />
            {d.link ? (
              <>
                {" "}
                <a href={d.link}>Why?</a>
              </>
            ) : null}
            {d.fix && onFix ? (
              <>
                {" "}
                <button type="button" className="link-button diag-fix" title={d.fix.title} onClick={() => onFix(d)}>
                  Fix it<span className="visually-hidden">: {d.fix.title}</span>
                </button>
              </>
            ) : null}
          </span>
        </li>
      ))}
    </ul>
  );
}

export function AdmissionProblems({ problems }: { problems: Problem[] }) {
  if (problems.length === 0) return null;
  return (
    <ul className="problems" aria-label="Why the sandbox refused this Dockerfile">
      {problems.map((p, i) => (
        <li key={i}>
          {p.line ? <strong>Line {p.line}: </strong> : null}
          <InlineCode text={p.message} />{" "}
          {p.link ? (
            <a href={p.link} className="check-link">
              Read the section
            </a>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** "1 error, 2 warnings" for the editor's caption. */
export function countLabel(diagnostics: Diagnostic[]): string {
  if (diagnostics.length === 0) return "no problems";
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const others = diagnostics.length - errors;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(errors, "error")}, ${plural(others, "warning")}`;
}
