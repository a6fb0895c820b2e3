/**
 * Global ARG defaults and their substitution into `FROM`.
 *
 * BuildKit expands only the ARGs declared before the first `FROM` inside a `FROM` line. The sandbox
 * passes no `--build-arg`, so each ARG's default is the value the build will use: resolving the
 * defaults here tells us which image a `FROM $IMG` really pulls.
 */
import type { Arg } from "dockerfile-ast";
import type { LspRange } from "./diagnostic";

/** Name → value; `null` for an ARG declared without a default. */
export type ArgValues = ReadonlyMap<string, string | null>;

// $NAME, ${NAME}, ${NAME:-word}, ${NAME-word}, ${NAME:+word}, ${NAME+word}
const VARIABLE = /\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/**
 * Substitutes ARG values into `word`. Returns null when a referenced ARG is undeclared or has no
 * default and no fallback word applies: then the result depends on build args we never pass, and
 * the caller must treat the word as unresolved.
 */
export function expandArgs(word: string, values: ArgValues): string | null {
  let unresolved = false;
  const out = word.replace(VARIABLE, (_all, braced?: string, op?: string, alt?: string, bare?: string) => {
    const name = braced ?? bare ?? "";
    const declared = values.has(name);
    const value = values.get(name) ?? null;
    const set = declared && value !== null;
    const nonEmpty = set && value !== "";
    switch (op) {
      case ":-":
        return nonEmpty ? (value as string) : (alt ?? "");
      case "-":
        return set ? (value as string) : (alt ?? "");
      case ":+":
        return nonEmpty ? (alt ?? "") : "";
      case "+":
        return set ? (alt ?? "") : "";
      default:
        if (!set) unresolved = true;
        return value ?? "";
    }
  });
  return unresolved ? null : out;
}

// A default written plainly, or wholly inside one pair of quotes: the forms where the parser here
// and BuildKit certainly agree on the value. Anything fancier (escapes, quotes mid-word) is
// treated as unresolved, so admission can never allow an image BuildKit would read differently.
const PLAIN_VALUE = /^("[\w.\/:@${}+-]*"|'[\w.\/:@${}+-]*'|[\w.\/:@${}+-]*)$/;

/** Text of a 0-based LSP range within `lines`. */
function slice(lines: readonly string[], range: LspRange): string {
  const { start, end } = range;
  if (start.line === end.line) return lines[start.line]?.slice(start.character, end.character) ?? "";
  const middle = lines.slice(start.line + 1, end.line);
  const first = lines[start.line]?.slice(start.character) ?? "";
  const last = lines[end.line]?.slice(0, end.character) ?? "";
  return [first, ...middle, last].join("\n");
}

/**
 * Defaults of the ARGs before the first FROM, each expanded with the ones declared above it. A
 * later declaration of the same name wins, as in BuildKit (`ARG A=1 A=2` leaves 2).
 */
export function globalArgValues(args: readonly Arg[], text: string): Map<string, string | null> {
  const lines = text.split(/\r\n|\r|\n/);
  const values = new Map<string, string | null>();
  for (const arg of args) {
    for (const property of arg.getProperties()) {
      const value = property.getValue();
      const range = property.getValueRange();
      const plain = range === null || PLAIN_VALUE.test(slice(lines, range));
      values.set(property.getName(), value === null || !plain ? null : expandArgs(value, values));
    }
  }
  return values;
}
