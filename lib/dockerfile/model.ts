/**
 * The public stage model: what the runner's report and checks need to know about a Dockerfile's
 * stages, in plain data.
 */
import { analyze, type Analysis } from "./analysis";

export type StageModel = {
  index: number;
  /** `AS` name, lower-cased like BuildKit (its vertex names and `--from` lookups use that form). */
  name: string | null;
  /** The `FROM` image argument as written, e.g. `stagecraft/golang:1.19`, `builder` or `$IMG`. */
  base: string;
  /** 1-based line of the FROM instruction. */
  fromLine: number;
  /** Every `COPY --from` in this stage: the value (as written, minus quotes) and its 1-based line. */
  copyFrom: { source: string; line: number }[];
};

export type DockerfileModel = { stages: StageModel[] };

export function toModel(analysis: Analysis): DockerfileModel {
  return {
    stages: analysis.stages.map((s) => ({
      index: s.index,
      name: s.name,
      base: s.base,
      fromLine: s.fromLine,
      copyFrom: s.copyFrom.map((c) => ({ source: c.source, line: c.line })),
    })),
  };
}

/** Never throws: text the parser cannot make sense of yields no stages. */
export function analyzeDockerfile(text: string): DockerfileModel {
  try {
    return toModel(analyze(String(text)));
  } catch {
    return { stages: [] };
  }
}
