/**
 * No secrets in what anyone who pulls the image can read without running it: the config and the
 * history (see secret-findings.ts), plus files the exercise names. Messages name the variable and
 * where it was seen, never its value.
 */
import { secretNameMatcher } from "../../../lib/secret-names";
import type { HistoryEntry } from "../image-report";
import { withImageFiles } from "./image-files";
import { findSecrets, type SecretFinding } from "./secret-findings";
import type { CheckFn } from "./types";
import { fail, pass, requireImage } from "./types";

export const secretScan: CheckFn<"secret-scan"> = async (ctx, spec) => {
  const image = ctx.docker.getImage(requireImage(ctx));
  const [info, history] = await Promise.all([image.inspect(), image.history() as Promise<HistoryEntry[]>]);
  const config = info.Config ?? {};
  const findings = findSecrets(
    {
      env: config.Env ?? [],
      labels: config.Labels ?? {},
      cmd: config.Cmd ?? null,
      entrypoint: toArray(config.Entrypoint),
      history: [...history].reverse().map((h) => h.CreatedBy),
    },
    { isSecretName: secretNameMatcher(spec.namePatterns), values: spec.values },
  );
  const present =
    spec.paths.length === 0
      ? []
      : await withImageFiles(ctx.docker, requireImage(ctx), async (files) => {
          const found: string[] = [];
          for (const path of spec.paths) if (await files.exists(path)) found.push(path);
          return found;
        });

  const problems = [...findings.map((f) => describeFinding(f, spec.values.length)), ...present.map((path) => `${path} is in the image`)];
  if (problems.length > 0) return fail(`${problems.join("; ")}. Anyone with the image can read ${problems.length === 1 ? "it" : "them"}`);
  const absent = spec.paths.length > 0 ? `; not in the image: ${spec.paths.join(", ")}` : "";
  const planted = spec.values.length > 0 ? " or the exercise's secret value" : "";
  const steps = `${history.length} history step${history.length === 1 ? "" : "s"}`;
  return pass(`no secret-looking variables${planted} in the image config or its ${steps}${absent}`);
};

function describeFinding(finding: SecretFinding, valueCount: number): string {
  if (finding.kind === "variable") return `${finding.name}=**** in ${finding.places.join(", ")}`;
  const which = valueCount === 1 ? "the exercise's secret value" : `the exercise's secret value #${finding.index + 1}`;
  return `${which} in ${finding.places.join(", ")}`;
}

function toArray(value: string | string[] | null | undefined): string[] | null {
  if (value === null || value === undefined) return null;
  return Array.isArray(value) ? value : [value];
}
