/**
 * Quick fixes for the common lint findings, as pure functions over the Dockerfile text: each
 * returns the edits that fix the finding (1-based lines and columns, like Monaco), or null when
 * there is nothing it can safely do. The editor offers them as code actions on the diagnostic;
 * `applyEdits` applies them to plain text (tests, and anything without Monaco).
 *
 * - `shell-form-cmd`: the final stage's shell-form CMD/ENTRYPOINT → exec form, when the command is
 *   plain words (anything a shell would interpret keeps needing `/bin/sh -c`).
 * - `final-stage-root`: a non-root USER at the end of the final stage, right for its base image.
 * - `cache-order`: copy the manifests and run the install before `COPY . .`.
 */
import type { Copy, Instruction } from "dockerfile-ast";
import { findCatalogImage } from "../image-catalog";
import { analyze, finalStage, flagName, type Analysis, type StageAnalysis } from "./analysis";
import { dependencyInstalls, type Ecosystem } from "./rules/dependency-installs";
import { execFormOf, isExecForm } from "./rules/shell-form-cmd";
import { runCommands } from "./rules/shell-commands";

export type TextEdit = { startLine: number; startColumn: number; endLine: number; endColumn: number; text: string };
export type QuickFix = { rule: string; title: string; edits: TextEdit[] };

export const FIXABLE_RULES = ["shell-form-cmd", "final-stage-root", "cache-order"] as const;

/** The fixes for one rule's findings in `text` (one per finding; none when not fixable). */
export function quickFixesFor(text: string, rule: string): QuickFix[] {
  let analysis: Analysis;
  try {
    analysis = analyze(text);
  } catch {
    return [];
  }
  switch (rule) {
    case "shell-form-cmd":
      return execFormFixes(analysis);
    case "final-stage-root": {
      const fix = nonRootUserFix(analysis);
      return fix ? [fix] : [];
    }
    case "cache-order":
      return cacheOrderFixes(analysis);
    default:
      return [];
  }
}

/** Applies non-overlapping edits to `text` (last first, so earlier positions stay valid). */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === "\n") starts.push(i + 1);
  const offset = (line: number, column: number) => Math.min(text.length, (starts[line - 1] ?? text.length) + column - 1);
  const sorted = [...edits].sort((a, b) => offset(b.startLine, b.startColumn) - offset(a.startLine, a.startColumn));
  let out = text;
  for (const e of sorted) out = out.slice(0, offset(e.startLine, e.startColumn)) + e.text + out.slice(offset(e.endLine, e.endColumn));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Positions
// ---------------------------------------------------------------------------------------------

const lines = (a: Analysis) => a.text.split("\n");

/** 1-based first and last line of an instruction (continuation lines included). */
function lineSpan(i: Instruction): { first: number; last: number } {
  const r = i.getRange();
  return { first: r.start.line + 1, last: r.end.line + 1 };
}

/** An edit inserting whole lines before line `line` (or after the last line when past the end). */
function insertLinesBefore(a: Analysis, line: number, newLines: string[]): TextEdit {
  const all = lines(a);
  if (line <= all.length) return { startLine: line, startColumn: 1, endLine: line, endColumn: 1, text: newLines.map((l) => `${l}\n`).join("") };
  const last = all.length;
  const end = (all[last - 1] ?? "").length + 1;
  // After a last line without a newline, the new lines start with one.
  return { startLine: last, startColumn: end, endLine: last, endColumn: end, text: newLines.map((l) => `\n${l}`).join("") };
}

/** An edit removing whole lines `first`..`last`, their line break included. */
function deleteLines(a: Analysis, first: number, last: number): TextEdit {
  const all = lines(a);
  if (last < all.length) return { startLine: first, startColumn: 1, endLine: last + 1, endColumn: 1, text: "" };
  // The last line of the file: take the line break before it instead.
  const prev = Math.max(1, first - 1);
  const startColumn = first > 1 ? (all[prev - 1] ?? "").length + 1 : 1;
  return { startLine: prev, startColumn, endLine: last, endColumn: (all[last - 1] ?? "").length + 1, text: "" };
}

// ---------------------------------------------------------------------------------------------
// shell-form CMD / ENTRYPOINT → exec form
// ---------------------------------------------------------------------------------------------

function execFormFixes(a: Analysis): QuickFix[] {
  const final = finalStage(a);
  if (!final) return [];
  return ["CMD", "ENTRYPOINT"].flatMap((keyword): QuickFix[] => {
    const last = final.instructions.filter((i) => i.getKeyword() === keyword).at(-1);
    if (!last || isExecForm(last)) return [];
    // getArguments() joins continuation lines and drops comment lines inside them.
    const exec = execFormOf(last.getArguments().map((w) => w.getValue()).join(" "));
    if (!exec) return [];
    const r = last.getRange();
    return [
      {
        rule: "shell-form-cmd",
        title: `Write ${keyword} in exec form: ${keyword} ${exec}`,
        edits: [
          {
            startLine: r.start.line + 1,
            startColumn: r.start.character + 1,
            endLine: r.end.line + 1,
            endColumn: r.end.character + 1,
            text: `${last.getInstruction()} ${exec}`,
          },
        ],
      },
    ];
  });
}

// ---------------------------------------------------------------------------------------------
// A non-root USER for the final stage
// ---------------------------------------------------------------------------------------------

/**
 * How to run as non-root on each catalog base: the image's own unprivileged account when it has
 * one (busybox's `app`, node's `node`, distroless's 65532), else an `app` account made with
 * useradd on the Debian-based images. Unknown bases and scratch get a numeric id, which needs no
 * account at all.
 */
function nonRootFor(base: string | null): { lines: string[]; user: string } {
  const catalog = base ? findCatalogImage(base) : undefined;
  if (catalog?.user) return { lines: [`USER ${catalog.user}`], user: catalog.user };
  const repo = base?.replace(/:.*$/, "") ?? "";
  switch (repo) {
    case "stagecraft/busybox":
      return { lines: ["USER app"], user: "app" };
    case "stagecraft/node":
      return { lines: ["USER node"], user: "node" };
    case "stagecraft/debian":
    case "stagecraft/golang":
    case "stagecraft/gcc":
    case "stagecraft/python":
    case "stagecraft/rust":
      if (catalog) return { lines: ["RUN useradd --system --uid 10001 --no-create-home app", "USER app"], user: "app" };
  }
  return { lines: ["USER 65532:65532"], user: "65532:65532" };
}

/** The image at the root of the final stage's `FROM <stage>` chain. */
function rootImage(a: Analysis, stage: StageAnalysis): string | null {
  const seen = new Set<number>();
  let s: StageAnalysis | undefined = stage;
  while (s && s.baseStage !== null && !seen.has(s.index)) {
    seen.add(s.index);
    s = a.stages[s.baseStage];
  }
  return s?.resolvedBase ?? null;
}

function nonRootUserFix(a: Analysis): QuickFix | null {
  const final = finalStage(a);
  if (!final) return null;
  const { lines: newLines, user } = nonRootFor(rootImage(a, final));
  // After everything that writes files (they may need root) and after any USER root, so the new
  // USER is the one in effect; before CMD and friends, where readers expect it.
  const anchors = final.instructions.filter((i) => ["RUN", "COPY", "ADD", "USER", "WORKDIR"].includes(i.getKeyword()));
  const after = anchors.at(-1) ?? final.from;
  return {
    rule: "final-stage-root",
    title: `Run the final stage as ${user} (add USER ${user})`,
    edits: [insertLinesBefore(a, lineSpan(after).last + 1, newLines)],
  };
}

// ---------------------------------------------------------------------------------------------
// Manifests and install before `COPY . .`
// ---------------------------------------------------------------------------------------------

/** What the install reads, per ecosystem and tool; `*` makes a lock file optional. */
function manifestsFor(ecosystem: Ecosystem, tool: string): string[] | null {
  switch (ecosystem) {
    case "node":
      if (tool === "yarn") return ["package.json", "yarn.lock*"];
      if (tool === "pnpm") return ["package.json", "pnpm-lock.yaml*"];
      return ["package.json", "package-lock.json*"];
    case "python":
      return ["requirements.txt"];
    case "ruby":
      return ["Gemfile", "Gemfile.lock*"];
    case "php":
      return ["composer.json", "composer.lock*"];
    // `go mod download` often needs more of the context (a vendored proxy, replace directives)
    // and `cargo build` needs sources: no safe automatic move.
    case "go":
    case "rust":
      return null;
  }
}

const WHOLE_CONTEXT = new Set([".", "./", "*", "./*"]);

/** `COPY . <dest>` from the build context (not `--from`); its destination, else null. */
function broadCopyDest(i: Instruction): string | null {
  if (i.getKeyword() !== "COPY" && i.getKeyword() !== "ADD") return null;
  if ((i as Copy).getFlags().some((f) => flagName(f.getName()) === "from")) return null;
  const words = i.getArguments().map((w) => w.getValue().replace(/["']/g, ""));
  if (isExecForm(i) || words.length < 2) return null;
  return words.slice(0, -1).some((w) => WHOLE_CONTEXT.has(w)) ? words.at(-1)! : null;
}

function cacheOrderFixes(a: Analysis): QuickFix[] {
  return a.stages.flatMap((stage): QuickFix[] => {
    const index = stage.instructions.findIndex((i) => broadCopyDest(i) !== null);
    if (index === -1) return [];
    const broad = stage.instructions[index]!;
    const dest = broadCopyDest(broad)!;
    // The first install after the broad copy, with only ENV/ARG between (they move along).
    let between: Instruction[] = [];
    for (const i of stage.instructions.slice(index + 1)) {
      if (i.getKeyword() === "RUN") {
        const installs = dependencyInstalls(i);
        if (installs.length === 0) return [];
        // Only a RUN that installs and nothing else moves: `npm ci && npm run build` needs sources.
        if (runCommands(i).length !== installs.length) return [];
        const first = installs[0]!;
        const manifests = manifestsFor(first.ecosystem, first.command.split(" ")[0] ?? "");
        if (!manifests || installs.some((x) => x.ecosystem !== first.ecosystem)) return [];
        const firstMoved = lineSpan(between[0] ?? i).first;
        // Comments and blank lines between the moved instructions move with them.
        const moved = lines(a).slice(firstMoved - 1, lineSpan(i).last);
        const target = dest === "." || dest === "./" ? "./" : dest.endsWith("/") ? dest : `${dest}/`;
        const copy = `${broad.getInstruction().toUpperCase() === "ADD" ? "COPY" : broad.getInstruction()} ${manifests.join(" ")} ${target}`;
        const span = lineSpan(broad);
        return [
          {
            rule: "cache-order",
            title: `Copy ${manifests.map((m) => m.replace(/\*$/, "")).join(" and ")} and install before \`${broad.getInstruction()} ${broad.getArgumentsContent()?.trim()}\``,
            edits: [insertLinesBefore(a, span.first, [copy, ...moved]), deleteLines(a, firstMoved, lineSpan(i).last)],
          },
        ];
      }
      if (i.getKeyword() === "ENV" || i.getKeyword() === "ARG") {
        between = [...between, i];
        continue;
      }
      return []; // anything else between (WORKDIR, another COPY) could change what the install sees
    }
    return [];
  });
}
