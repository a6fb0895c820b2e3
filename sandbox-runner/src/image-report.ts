/**
 * The image report: what a successful build produced, read from the engine (image inspect and
 * history) and from the build's own steps. It goes to the browser and the database, so it carries
 * names, never values, of anything that may hold a secret (ENV, ARG).
 */
import type Docker from "dockerode";
import type { DockerfileModel, StageModel } from "../../lib/dockerfile/index";
import type { BuildStep } from "../../lib/protocol";
import { timingsOf } from "./checks/build-steps";
import type { ImageConfigSummary, ImageReport, LayerInfo, StageInfo } from "../../lib/report";

export async function buildImageReport(
  docker: Docker,
  imageRef: string,
  model: DockerfileModel,
  builtSteps: BuildStep[],
): Promise<ImageReport> {
  const image = docker.getImage(imageRef);
  const [info, history] = await Promise.all([image.inspect(), image.history() as Promise<HistoryEntry[]>]);
  const base = finalBaseImage(model);
  const baseHistory = base ? await historyOrEmpty(docker, base) : [];
  const config: Partial<Docker.ImageInspectInfo["Config"]> = info.Config ?? {};
  const healthcheck = config.Healthcheck?.Test ?? null;
  const cmd = config.Cmd ?? null;
  const entrypoint = toArray(config.Entrypoint);
  return {
    sizeBytes: info.Size,
    layers: layersOf(history, baseHistory),
    config: {
      user: config.User ?? "",
      cmd,
      entrypoint,
      cmdForm: cmdFormOf(cmd, entrypoint),
      healthcheck: healthcheck && healthcheck.length > 0 ? healthcheck : null,
      exposedPorts: Object.keys(config.ExposedPorts ?? {}),
      envNames: (config.Env ?? []).map((kv) => kv.split("=", 1)[0] ?? kv),
      workdir: config.WorkingDir ?? "",
    },
    stages: stagesOf(model, builtSteps),
    platform: [info.Os, info.Architecture, info.Variant].filter(Boolean).join("/"),
    // Kept so the learner's next run of this exercise can show its cache timeline against this one.
    steps: timingsOf(builtSteps),
  };
}

/** One entry of `GET /images/{name}/history` (newest first). */
export type HistoryEntry = { Created: number; CreatedBy: string; Size: number; Comment?: string };

async function historyOrEmpty(docker: Docker, ref: string): Promise<HistoryEntry[]> {
  try {
    return (await docker.getImage(ref).history()) as HistoryEntry[];
  } catch {
    // A base written with an ARG (`FROM ${BASE}`) cannot be looked up: no layer is marked as base.
    return [];
  }
}

/**
 * Layers oldest first (the order a Dockerfile reads). The base image's layers are the longest
 * common prefix of the two histories: the final image starts with the base's entries verbatim.
 */
export function layersOf(history: HistoryEntry[], baseHistory: HistoryEntry[]): LayerInfo[] {
  const own = [...history].reverse();
  const base = [...baseHistory].reverse();
  let baseCount = 0;
  while (baseCount < base.length && baseCount < own.length && sameEntry(own[baseCount]!, base[baseCount]!)) {
    baseCount += 1;
  }
  return own.map((entry, index) => ({
    instruction: cleanInstruction(entry.CreatedBy, entry.Comment),
    sizeBytes: Math.max(0, entry.Size),
    fromBase: index < baseCount,
    // The history API has no empty-layer flag; a zero-byte entry changed no file either way.
    empty: entry.Size === 0,
  }));
}

function sameEntry(a: HistoryEntry, b: HistoryEntry): boolean {
  return a.CreatedBy === b.CreatedBy && a.Created === b.Created && a.Size === b.Size;
}

/** The image the final stage ultimately starts from, following `FROM <earlier stage>`; null for scratch. */
export function finalBaseImage(model: DockerfileModel): string | null {
  let stage = model.stages.at(-1);
  // findStage only looks at earlier stages, so this walk always ends.
  while (stage) {
    const parent = findStage(model, stage.base, stage.index);
    if (!parent) return stage.base.toLowerCase() === "scratch" ? null : stage.base;
    stage = parent;
  }
  return null;
}

/** An earlier stage named `ref` (stage names are case-insensitive), or numbered `ref` for COPY --from. */
function findStage(model: DockerfileModel, ref: string, before: number): StageModel | undefined {
  const wanted = ref.toLowerCase();
  const earlier = model.stages.filter((s) => s.index < before);
  return (
    earlier.find((s) => s.name?.toLowerCase() === wanted) ??
    (/^\d+$/.test(ref) ? earlier.find((s) => s.index === Number(ref)) : undefined)
  );
}

/**
 * Which stages BuildKit built. Step names carry `[stage n/m]` (`[n/m]` in a one-stage file;
 * unnamed stages are `stage-<index>`), which the step tracker puts in `step.stage`. Steps alone
 * can miss a stage: BuildKit merges identical vertices across stages, so two stages `FROM x`
 * share one FROM step under one stage's name, and a stage holding only a FROM, or only COPY lines
 * identical to another stage's, may show no step of its own. BuildKit builds exactly what the
 * final stage needs, so a stage is also built when the final stage reaches it through `FROM` or
 * `COPY --from`.
 */
export function stagesOf(model: DockerfileModel, steps: BuildStep[]): StageInfo[] {
  const seen = new Set<number>();
  for (const step of steps) {
    const index = stageIndexOfStep(model, step);
    if (index !== undefined) seen.add(index);
  }
  const reachable = reachableStages(model);
  return model.stages.map((stage) => ({
    index: stage.index,
    name: stage.name,
    base: stage.base,
    copiesFrom: stage.copyFrom.map((c) => c.source),
    built: seen.has(stage.index) || reachable.has(stage.index),
  }));
}

/** A one-stage build's steps are `[1/3] …`, without a stage label. */
const UNLABELLED_STEP = /^\[\d+\/\d+\]/;

function stageIndexOfStep(model: DockerfileModel, step: BuildStep): number | undefined {
  // The step tracker fills `stage` from the `[label n/m]` prefix; internal steps have none.
  if (step.stage === undefined) return UNLABELLED_STEP.test(step.name) ? model.stages.at(-1)?.index : undefined;
  const label = step.stage.toLowerCase();
  const numbered = /^stage-(\d+)$/.exec(label);
  if (numbered) return Number(numbered[1]);
  return model.stages.find((s) => s.name?.toLowerCase() === label)?.index;
}

function reachableStages(model: DockerfileModel): Set<number> {
  const reached = new Set<number>();
  const visit = (stage: StageModel | undefined) => {
    if (!stage || reached.has(stage.index)) return;
    reached.add(stage.index);
    visit(findStage(model, stage.base, stage.index));
    for (const copy of stage.copyFrom) visit(findStage(model, copy.source, stage.index));
  };
  visit(model.stages.at(-1));
  return reached;
}

/** `shell` when CMD or ENTRYPOINT is wrapped in `/bin/sh -c` (what the shell form produces). */
export function cmdFormOf(cmd: string[] | null, entrypoint: string[] | null): ImageConfigSummary["cmdForm"] {
  const wrapped = (argv: string[] | null) =>
    argv !== null && /^\/(usr\/)?bin\/(sh|bash|ash|dash)$/.test(argv[0] ?? "") && argv[1] === "-c";
  if (wrapped(entrypoint) || wrapped(cmd)) return "shell";
  if ((entrypoint?.length ?? 0) > 0 || (cmd?.length ?? 0) > 0) return "exec";
  return "none";
}

function toArray(value: string | string[] | null | undefined): string[] | null {
  if (value === null || value === undefined) return null;
  return Array.isArray(value) ? value : [value];
}

/**
 * A history entry's `CreatedBy` as the learner would have written it: BuildKit's `RUN /bin/sh -c`
 * and `# buildkit` noise and the classic builder's `/bin/sh -c #(nop)` removed, the `|N A=v`
 * build-arg prefix dropped, and ENV/ARG values replaced by `…` (they may be secrets).
 */
export function cleanInstruction(createdBy: string, comment = ""): string {
  let text = createdBy.trim().replace(/\s+# buildkit$/, "");
  // `docker import` and `docker commit` layers have no instruction; their comment says what they are.
  if (text === "") return comment.startsWith("Imported from") ? "(imported filesystem)" : comment.trim() && `(${comment.trim()})`;
  const nop = /^\/bin\/sh -c #\(nop\)\s*/.exec(text);
  if (nop) text = text.slice(nop[0].length).trim();
  else if (/^(\|\d+ |\/bin\/sh -c )/.test(text)) text = `RUN ${text}`; // classic builder RUN
  const [keyword = "", rest = ""] = splitKeyword(text);
  switch (keyword.toUpperCase()) {
    case "RUN":
      return `RUN ${stripShell(stripBuildArgs(rest))}`;
    case "ENV":
    case "ARG":
      return `${keyword} ${redactValues(rest)}`;
    case "HEALTHCHECK":
      return `HEALTHCHECK ${healthcheckText(rest)}`;
    case "EXPOSE":
      return `EXPOSE ${rest.replace(/^map\[(.*)\]$/, "$1").replace(/:\{\}/g, "")}`;
    default:
      return text;
  }
}

function splitKeyword(text: string): [string, string] {
  const space = text.indexOf(" ");
  return space < 0 ? [text, ""] : [text.slice(0, space), text.slice(space + 1).trim()];
}

const SHELL_PREFIX = /(^|\s)\/(usr\/)?bin\/(ba)?sh -c /;

/** `|2 A=1 B=2 /bin/sh -c cmd` → `/bin/sh -c cmd`; exec form has no shell, so drop N tokens. */
function stripBuildArgs(body: string): string {
  const args = /^\|(\d+)\s+/.exec(body);
  if (!args) return body;
  const afterCount = body.slice(args[0].length);
  const shell = SHELL_PREFIX.exec(afterCount);
  if (shell) return afterCount.slice(shell.index + shell[1]!.length);
  return afterCount.split(/\s+/).slice(Number(args[1])).join(" ");
}

function stripShell(body: string): string {
  const shell = SHELL_PREFIX.exec(body);
  return shell && shell.index === 0 ? body.slice(shell[0].length) : body;
}

/** `A=1 B="x y"` → `A=… B=…`. Only names survive, so a value with spaces cannot leak a part. */
export function redactValues(body: string): string {
  if (!body.includes("=")) {
    // Classic `ENV key value` form: keep the key only. `ARG NAME` has no value at all.
    const [name = "", ...value] = body.split(/\s+/);
    return value.length > 0 ? `${name} …` : name;
  }
  const names = [...body.matchAll(/(?:^|\s)([A-Za-z_][A-Za-z0-9_.-]*)=/g)].map((m) => `${m[1]}=…`);
  return names.join(" ");
}

/** Go's `&{["CMD-SHELL" "curl …"] "5s" …}` dump → `CMD curl …` (or `NONE`, or exec JSON). */
function healthcheckText(rest: string): string {
  const test = /^&\{\[((?:"(?:[^"\\]|\\.)*"\s*)*)\]/.exec(rest);
  if (!test) return rest;
  const parts = [...test[1]!.matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => unquote(m[1]!));
  const [kind, ...args] = parts;
  if (kind === "NONE") return "NONE";
  if (kind === "CMD-SHELL") return `CMD ${args.join(" ")}`;
  return `CMD ${JSON.stringify(args)}`;
}

function unquote(goQuoted: string): string {
  try {
    return JSON.parse(`"${goQuoted}"`) as string;
  } catch {
    return goQuoted;
  }
}
