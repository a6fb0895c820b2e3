/**
 * The learner's final image against the exercise's starter, built by the grader as the baseline
 * (remembered across runs, see variant-builds.ts). A starter that does not build is a course bug:
 * the check throws (→ `error`) instead of failing the learner.
 */
import type { CheckDetail } from "../../../lib/checks";
import { formatBytes } from "../../../lib/report";
import type { CheckFn, CheckOutcome } from "./types";
import { fail, pass, requireExercise, requireReport, requireVariants } from "./types";

export const sizeRatio: CheckFn<"size-ratio"> = async (ctx, spec) => {
  const yours = requireReport(ctx).sizeBytes;
  const starter = await requireVariants(ctx).build({
    label: "the exercise's starter, as the size baseline",
    dockerfile: requireExercise(ctx).starter,
  });
  if (!starter.ok || starter.sizeBytes === null) {
    throw new Error(`the exercise's starter Dockerfile did not build (${starter.message || "no size"}); tell the course staff`);
  }
  return judgeSizeRatio(yours, starter.sizeBytes, spec.maxRatio);
};

export function judgeSizeRatio(yours: number, starter: number, maxRatio: number): CheckOutcome {
  const ratio = yours / starter;
  const detail = sizeTable(yours, starter, maxRatio);
  const said = `your image is ${formatBytes(yours)}, ${percent(ratio)} of the starter's ${formatBytes(starter)}`;
  if (ratio <= maxRatio) return pass(`${said}; at most ${percent(maxRatio)} is allowed`, detail);
  return fail(`${said}; at most ${percent(maxRatio)} (${formatBytes(starter * maxRatio)}) is allowed`, detail);
}

function sizeTable(yours: number, starter: number, maxRatio: number): CheckDetail {
  return {
    type: "table",
    columns: ["Image", "Size", "Of the starter"],
    rows: [
      ["Starter", formatBytes(starter), "100%"],
      ["Yours", formatBytes(yours), percent(yours / starter)],
      ["Allowed", `up to ${formatBytes(starter * maxRatio)}`, `up to ${percent(maxRatio)}`],
    ],
  };
}

/** `42%`, `7.5%`, `0.44%`: enough digits to tell a small image from a tiny one. */
export function percent(ratio: number): string {
  const p = ratio * 100;
  if (p >= 10) return `${Math.round(p)}%`;
  if (p >= 1) return `${p.toFixed(1).replace(/\.0$/, "")}%`;
  return `${p.toPrecision(2).replace(/0+$/, "").replace(/\.$/, "")}%`;
}
