/**
 * Reading a build's steps the way the build checks need them: which steps are the Dockerfile's own
 * instructions, which of them an instruction fragment ("npm ci") names, and how long each took.
 * BuildKit names a step `[<stage> <i>/<n>] <instruction>` (`[2/3] …` in a one-stage file); its
 * `[internal] …`, context-upload and export steps are not instructions and never match.
 */
import type { StepTiming } from "../../../lib/checks";
import type { BuildStep } from "../../../lib/protocol";

/** One Dockerfile instruction as BuildKit ran it (or took it from the cache). */
export type InstructionStep = {
  step: BuildStep;
  /** BuildKit's stage label (`build`, `stage-1`); null in a one-stage Dockerfile. */
  stage: string | null;
  /** 1-based position within its stage; 1 is the FROM. */
  index: number;
  /** The instruction as BuildKit echoes it, e.g. `RUN npm ci --omit=dev`. */
  instruction: string;
};

const STEP_NAME = /^\[(?:(\S+) )?(\d+)\/\d+\] ([\s\S]*)$/;

export function instructionSteps(steps: readonly BuildStep[]): InstructionStep[] {
  return steps.flatMap((step) => {
    const m = STEP_NAME.exec(step.name);
    if (!m) return [];
    return [{ step, stage: m[1] ?? null, index: Number(m[2]), instruction: m[3] ?? "" }];
  });
}

/** Case and runs of whitespace do not matter: BuildKit joins a continued RUN but keeps its indentation. */
const normalise = (text: string) => text.replace(/\s+/g, " ").trim().toLowerCase();

/** Steps whose instruction (not the stage label in brackets) contains `fragment`. */
export function stepsMatching(steps: readonly InstructionStep[], fragment: string): InstructionStep[] {
  const wanted = normalise(fragment);
  return steps.filter((s) => normalise(s.instruction).includes(wanted));
}

export const wasCached = (s: InstructionStep) => s.step.status === "cached";

/** The instruction as `code` inside a one-line message: no backticks, long ones shortened. */
export function codeOf(instruction: string, max = 60): string {
  const flat = instruction.replace(/`/g, "'").replace(/\s+/g, " ").trim();
  return `\`${flat.length > max ? `${flat.slice(0, max - 1)}…` : flat}\``;
}

/** A build's instruction steps for a timeline; a cached step took no time of its own. */
export function timingsOf(steps: readonly BuildStep[]): StepTiming[] {
  return instructionSteps(steps).map(({ step }) => ({
    name: step.name,
    cached: step.status === "cached",
    durationMs: step.status === "cached" ? 0 : (step.durationMs ?? null),
  }));
}

/** `1.2 s`, `45 s`, `350 ms`: build times as a learner reads them. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return ms < 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.round(ms / 1000)} s`;
}
