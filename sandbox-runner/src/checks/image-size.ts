import { formatBytes } from "../../../lib/report";
import type { CheckFn } from "./types";
import { fail, pass, requireReport } from "./types";

export const imageSize: CheckFn<"image-size"> = async (ctx, spec) => {
  const size = requireReport(ctx).sizeBytes;
  const [actual, budget] = sizePair(size, spec.maxBytes);
  if (size > spec.maxBytes) return fail(`final image is ${actual}; the budget is ${budget}`);
  return pass(`final image is ${actual}, within the ${budget} budget`);
};

/** Two sizes that differ must not read the same ("40.0 MiB; the budget is 40.0 MiB"): add bytes. */
export function sizePair(a: number, b: number): [string, string] {
  const [fa, fb] = [formatBytes(a), formatBytes(b)];
  if (fa !== fb || a === b) return [fa, fb];
  return [`${fa} (${a} bytes)`, `${fb} (${b} bytes)`];
}
