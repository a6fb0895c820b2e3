import type { CheckFn } from "./types";
import { fail, pass } from "./types";

export const buildSucceeds: CheckFn<"build-succeeds"> = async (ctx) => {
  const seconds = (ctx.build.buildMs / 1000).toFixed(1);
  if (ctx.build.ok) return pass(`the build succeeded in ${seconds} s`);
  return fail(`the build did not succeed: ${ctx.build.message}`);
};
