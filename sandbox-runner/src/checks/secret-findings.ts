/**
 * Where an image gives away secrets without anyone opening a file: its config (`Env`, `Labels`,
 * `Cmd`, `Entrypoint`) and its history, where BuildKit records every `ENV` and `LABEL`, an `ARG`'s
 * default, and the build args a `RUN` used (`RUN |2 NPM_TOKEN=… PLAIN= /bin/sh -c npm ci`).
 *
 * Pure: the check reads the image and words the result. Findings never carry a secret value out
 * of this module: only names, places and masked instructions.
 */
import { cleanInstruction } from "../image-report";

export type ImageSecretsInput = {
  env: readonly string[];
  labels: Readonly<Record<string, string>>;
  cmd: readonly string[] | null;
  entrypoint: readonly string[] | null;
  /** `CreatedBy` of each history entry, oldest first (the order the results panel lists layers). */
  history: readonly string[];
};

export type SecretFinding =
  /** A secret-looking variable with a value, e.g. `NPM_TOKEN`, and every place it was seen. */
  | { kind: "variable"; name: string; places: string[] }
  /** One of the exercise's planted `values` (by index), seen where no variable finding explains it. */
  | { kind: "value"; index: number; places: string[] };

/** `NAME=value` or `--name=value` inside text, after a space, a quote, `[` or the start. */
const ASSIGNMENT = /(?:^|[\s"'[,;&|(])-{0,2}([A-Za-z_][A-Za-z0-9_.-]*)=("[^"]*"|'[^']*'|[^\s"',\]]*)/g;
/** `$TOKEN` or `${TOKEN}`: a reference to a value given at run time, not a value. */
const REFERENCE = /^\$\{?[A-Za-z_][A-Za-z0-9_]*\}?$/;
const MAX_INSTRUCTION = 70;

/**
 * One place a secret can be recorded. `where` names it; for history its `{}` stands for the
 * instruction, which is masked before it is shown.
 */
type Place = { where: string; instruction?: string; text: string; assignments: { name: string; value: string }[] };

export function findSecrets(input: ImageSecretsInput, opts: { isSecretName: (name: string) => boolean; values: readonly string[] }): SecretFinding[] {
  const places = placesOf(input);
  const variables = new Map<string, { places: Place[]; values: Set<string> }>();
  for (const place of places) {
    for (const { name, value } of place.assignments) {
      if (value === "" || REFERENCE.test(value) || !opts.isSecretName(name)) continue;
      const found = variables.get(name) ?? { places: [], values: new Set<string>() };
      found.values.add(value);
      if (!found.places.includes(place)) found.places.push(place);
      variables.set(name, found);
    }
  }
  const secrets = [...opts.values, ...[...variables.values()].flatMap((v) => [...v.values])];
  // Masked whole, then shortened: cutting first could leave half a secret unmasked.
  const label = (p: Place) => masked(p.where.replace("{}", () => short(masked(p.instruction ?? "", secrets))), secrets);
  const findings: SecretFinding[] = [...variables].map(([name, v]) => ({ kind: "variable", name, places: v.places.map(label) }));
  opts.values.forEach((value, index) => {
    const explained = (p: Place) => p.assignments.some((a) => a.value.includes(value) && variables.has(a.name));
    const seen = places.filter((p) => p.text.includes(value) && !explained(p));
    if (seen.length > 0) findings.push({ kind: "value", index, places: seen.map(label) });
  });
  return findings;
}

function placesOf(input: ImageSecretsInput): Place[] {
  const places: Place[] = [];
  for (const kv of input.env) {
    const eq = kv.indexOf("=");
    const name = eq < 0 ? kv : kv.slice(0, eq);
    places.push({ where: `config Env ${name}`, text: kv, assignments: [{ name, value: eq < 0 ? "" : kv.slice(eq + 1) }] });
  }
  for (const [name, value] of Object.entries(input.labels)) {
    places.push({ where: `config label ${name}`, text: `${name}=${value}`, assignments: [{ name, value }] });
  }
  for (const [field, argv] of [["Entrypoint", input.entrypoint], ["Cmd", input.cmd]] as const) {
    if (!argv || argv.length === 0) continue;
    places.push({ where: `config ${field}`, text: argv.join(" "), assignments: argv.flatMap(assignmentsIn) });
  }
  input.history.forEach((createdBy, i) => {
    const step = `history step ${i + 1} of ${input.history.length}`;
    const instruction = cleanInstruction(createdBy);
    const { buildArgs, argsText, rest } = splitBuildArgs(createdBy);
    if (buildArgs.length > 0) places.push({ where: `${step} (a build arg of {})`, instruction, text: argsText, assignments: buildArgs });
    places.push({ where: `${step} ({})`, instruction, text: rest, assignments: assignmentsIn(rest) });
  });
  return places;
}

/** Every `NAME=value` in text; quotes around a value are removed. */
export function assignmentsIn(text: string): { name: string; value: string }[] {
  return [...text.matchAll(ASSIGNMENT)].map((m) => ({ name: m[1]!, value: (m[2] ?? "").replace(/^(["'])(.*)\1$/, "$2") }));
}

/**
 * `RUN |2 A=1 B=x y /bin/sh -c cmd` → build args A=1, B="x y" and the rest. The count tells how
 * many assignments lead; a value runs to the next `NAME=` or to the shell (an exec-form RUN has no
 * shell, so there each value is one word).
 */
export function splitBuildArgs(createdBy: string): { buildArgs: { name: string; value: string }[]; argsText: string; rest: string } {
  const head = /^(?:RUN\s+)?\|(\d+)\s+/.exec(createdBy);
  if (!head) return { buildArgs: [], argsText: "", rest: createdBy };
  const count = Number(head[1]);
  const body = createdBy.slice(head[0].length);
  const shell = /(?:^|\s)\/(?:usr\/)?bin\/(?:ba)?sh -c /.exec(body);
  const words = (shell ? body.slice(0, shell.index) : body).split(/\s+/).filter(Boolean);
  const buildArgs: { name: string; value: string }[] = [];
  let used = 0;
  for (const word of words) {
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(word);
    const previous = buildArgs.at(-1);
    if (assignment && buildArgs.length < count) buildArgs.push({ name: assignment[1]!, value: assignment[2]! });
    else if (shell && previous) previous.value += ` ${word}`;
    else break;
    used += 1;
  }
  const rest = shell ? body.slice(shell.index).trim() : words.slice(used).join(" ");
  return { buildArgs, argsText: words.slice(0, used).join(" "), rest };
}

/** Every occurrence of each secret replaced by `****` (longest first, so no part survives). */
export function masked(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of [...new Set(secrets)].filter(Boolean).sort((a, b) => b.length - a.length)) out = out.split(secret).join("****");
  return out;
}

function short(instruction: string): string {
  return instruction.length <= MAX_INSTRUCTION ? instruction : `${instruction.slice(0, MAX_INSTRUCTION - 1)}…`;
}
