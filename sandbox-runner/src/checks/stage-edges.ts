/**
 * The build's stage graph as the copy-from-edges check reads it: stages with their names, whether
 * BuildKit built them, and each `COPY --from` with its line. Pure, so every rule is unit-tested.
 *
 * References resolve the way BuildKit does: a `--from` value is an earlier stage's name
 * (case-insensitive), else an earlier stage's number, else an image. Stage names must start with
 * a letter, so a value of digits is always a number: that is how `byIndex` tells `--from=0` from
 * `--from=builder`.
 */
import type { CheckSpecOf } from "../../../lib/checks";

export type GraphStage = { index: number; name: string | null; built: boolean; copyFrom: { source: string; line: number }[] };

type EdgeSpec = Pick<CheckSpecOf<"copy-from-edges">, "stageNames" | "edges" | "byIndex">;

export type EdgeVerdict = { ok: true; message: string } | { ok: false; message: string };

export function judgeEdges(stages: readonly GraphStage[], spec: EdgeSpec): EdgeVerdict {
  const problems: string[] = [];
  const seen: string[] = [];
  for (const wanted of spec.stageNames) {
    if (byName(stages, wanted)) seen.push(`stage "${wanted.toLowerCase()}" exists`);
    else problems.push(`there is no stage named "${wanted}" (${stageList(stages)})`);
  }
  for (const edge of spec.edges) {
    const form = edge.form === "any" && spec.byIndex ? "index" : edge.form;
    const result = judgeEdge(stages, edge, form);
    (result.ok ? seen : problems).push(result.message);
  }
  if (problems.length > 0) return { ok: false, message: `${problems.join("; ")}; ${existingEdges(stages)}` };
  return { ok: true, message: seen.length > 0 ? seen.join("; ") : existingEdges(stages) };
}

type Form = "any" | "name" | "index";
const isNumber = (source: string) => /^\d+$/.test(source);

function judgeEdge(stages: readonly GraphStage[], edge: { from: string; to: string }, form: Form): EdgeVerdict {
  const to = edge.to.toLowerCase() === "final" ? stages.at(-1) : stageRef(stages, edge.to);
  if (!to) return { ok: false, message: `there is no stage "${edge.to}" to copy into (${stageList(stages)})` };
  const from = stageRef(stages, edge.from);
  const copies = to.copyFrom.filter((copy) => {
    const source = copySource(stages, copy.source, to.index);
    return from ? source === from.index : source === null && copy.source.toLowerCase() === edge.from.toLowerCase();
  });
  const into = label(stages, to);
  const wanted = from ? label(stages, from) : edge.from;
  if (copies.length === 0) return { ok: false, message: `${into} does not COPY --from ${wanted}` };
  const inForm = form === "any" ? copies[0] : copies.find((c) => isNumber(c.source) === (form === "index"));
  const copy = inForm ?? copies[0]!;
  if (from && !inForm && form === "index") {
    return { ok: false, message: `line ${copy.line} copies from ${wanted} by name (--from=${copy.source}); this exercise asks for its number: --from=${from.index}` };
  }
  if (from && !inForm && form === "name") {
    const name = from.name ?? "a-name";
    return {
      ok: false,
      message: from.name
        ? `line ${copy.line} copies from ${wanted} by number (--from=${copy.source}); this exercise asks for its name: --from=${name}`
        : `line ${copy.line} copies from stage ${from.index} by number; this exercise asks you to name that stage (FROM … AS <name>) and copy --from=<name>`,
    };
  }
  if (!to.built) {
    return { ok: false, message: `${into} copies from ${wanted} (line ${copy.line}), but BuildKit skipped ${into}: the final image does not use it` };
  }
  return { ok: true, message: `${into} copies from ${wanted} (line ${copy.line}, --from=${copy.source})` };
}

/** What a `--from` value in stage `at` refers to: an earlier stage's index, or null for an image. */
export function copySource(stages: readonly GraphStage[], source: string, at: number): number | null {
  const earlier = stages.filter((s) => s.index < at);
  const named = byName(earlier, source);
  if (named) return named.index;
  if (/^\d+$/.test(source)) return earlier.find((s) => s.index === Number(source))?.index ?? null;
  return null;
}

/** A stage the exercise names: by name, or by number. */
function stageRef(stages: readonly GraphStage[], ref: string): GraphStage | undefined {
  return byName(stages, ref) ?? (/^\d+$/.test(ref) ? stages.find((s) => s.index === Number(ref)) : undefined);
}

function byName(stages: readonly GraphStage[], name: string): GraphStage | undefined {
  const wanted = name.toLowerCase();
  return stages.find((s) => s.name !== null && s.name.toLowerCase() === wanted);
}

/** `the final stage`, `stage "builder"`, `stage 0`. */
function label(stages: readonly GraphStage[], stage: GraphStage): string {
  if (stage === stages.at(-1)) return "the final stage";
  return stage.name ? `stage "${stage.name}"` : `stage ${stage.index}`;
}

function stageList(stages: readonly GraphStage[]): string {
  if (stages.length === 0) return "the Dockerfile has no stages";
  return `the stages are ${stages.map((s) => (s.name ? `"${s.name}"` : `${s.index} (unnamed)`)).join(", ")}`;
}

/** `the COPY --from lines are: line 7, --from=builder into the final stage` (or that there are none). */
export function existingEdges(stages: readonly GraphStage[]): string {
  const lines = stages.flatMap((s) => s.copyFrom.map((c) => `line ${c.line}, --from=${c.source} into ${label(stages, s)}`));
  return lines.length === 0 ? "the Dockerfile has no COPY --from" : `the COPY --from lines are: ${lines.join("; ")}`;
}
