/**
 * The internal analysis every rule, the admission gate and the public model are read from: one
 * parse, split into stages, with `FROM` bases resolved through global ARGs and every
 * `COPY --from` reference collected with its position.
 */
import { DockerfileParser, type Copy, type Dockerfile, type From, type Instruction } from "dockerfile-ast";
import { globalArgValues, expandArgs, type ArgValues } from "./args";
import type { LspRange } from "./diagnostic";

export type CopyFromRef = {
  /** The `--from` value, with quotes removed as the builder does. */
  source: string;
  /** 1-based line of the COPY instruction. */
  line: number;
  /** Range of the flag's value (or of the whole flag when it has no value). */
  range: LspRange;
  instruction: Copy;
};

export type StageAnalysis = {
  index: number;
  /** Lower-cased like BuildKit does, so `AS Builder` and `--from=builder` are the same stage. */
  name: string | null;
  from: From;
  /** The `FROM` image argument as written (`$IMG` stays `$IMG`); empty when missing. */
  base: string;
  /** `base` after substituting global ARG defaults; null when it depends on an unset ARG. */
  resolvedBase: string | null;
  /** Index of the earlier stage this one builds on (`FROM builder`), else null. */
  baseStage: number | null;
  /** 1-based line of the FROM instruction. */
  fromLine: number;
  /** The instructions after FROM up to the next FROM. */
  instructions: Instruction[];
  copyFrom: CopyFromRef[];
};

export type Analysis = {
  text: string;
  ast: Dockerfile;
  globalArgs: ArgValues;
  stages: StageAnalysis[];
};

/** Parses once; throws only if dockerfile-ast does (callers guard with try/catch). */
export function analyze(text: string): Analysis {
  const ast = DockerfileParser.parse(text);
  const globalArgs = globalArgValues(ast.getInitialARGs(), text);
  const stages: StageAnalysis[] = [];
  for (const instruction of ast.getInstructions()) {
    if (instruction.getKeyword() === "FROM") {
      stages.push(newStage(instruction as From, stages, globalArgs));
      continue;
    }
    const current = stages.at(-1);
    if (!current) continue; // global ARGs (and stray instructions) before the first FROM
    current.instructions.push(instruction);
    if (instruction.getKeyword() === "COPY") {
      const ref = copyFromRef(instruction as Copy);
      if (ref) current.copyFrom.push(ref);
    }
  }
  return { text, ast, globalArgs, stages };
}

function newStage(from: From, earlier: readonly StageAnalysis[], args: ArgValues): StageAnalysis {
  const base = from.getImage() ?? "";
  const expanded = base === "" ? "" : expandArgs(base, args);
  // An ARG that expands to nothing leaves FROM without an image: as unresolved as an unset one.
  const resolvedBase = base !== "" && expanded === "" ? null : expanded;
  const stageName = from.getBuildStage();
  return {
    index: earlier.length,
    name: stageName ? stageName.toLowerCase() : null,
    from,
    base,
    resolvedBase,
    // FROM can only build on a stage above it, and only by name (an index would be an image name).
    baseStage: resolvedBase ? stageByName(earlier, resolvedBase) : null,
    fromLine: from.getRange().start.line + 1,
    instructions: [],
    copyFrom: [],
  };
}

/** Reads `--from` via getFlags(): getFromFlag() returns null when a COPY has several flags. */
function copyFromRef(copy: Copy): CopyFromRef | null {
  const flag = copy.getFlags().find((f) => flagName(f.getName()) === "from");
  if (!flag) return null;
  return {
    // The builder removes quotes from flag values (`--from="builder"` is `builder`).
    source: (flag.getValue() ?? "").replace(/["']/g, ""),
    line: copy.getRange().start.line + 1,
    range: flag.getValueRange() ?? flag.getRange(),
    instruction: copy,
  };
}

/** A flag's name as the builder reads it: quotes inside a flag word are removed (`--fr"om"` is `--from`). */
export function flagName(raw: string): string {
  return raw.replace(/["']/g, "").toLowerCase();
}

export function stageByName(stages: readonly StageAnalysis[], name: string): number | null {
  const wanted = name.toLowerCase();
  return stages.find((s) => s.name === wanted)?.index ?? null;
}

/**
 * Resolves a `COPY --from` value against all stages, like BuildKit: a stage name
 * (case-insensitive) first, then a stage index. Null means "not a stage": BuildKit would treat it
 * as an image reference and try to pull it.
 */
export function resolveStageRef(stages: readonly StageAnalysis[], ref: string): number | null {
  const byName = stageByName(stages, ref);
  if (byName !== null) return byName;
  if (/^\d+$/.test(ref)) {
    const index = Number(ref);
    return index < stages.length ? index : null;
  }
  return null;
}

/** The stage the built image comes from: the last one (the sandbox never passes `--target`). */
export function finalStage(analysis: Analysis): StageAnalysis | undefined {
  return analysis.stages.at(-1);
}
