/**
 * Grades a run: every spec of the exercise becomes one `CheckResult`, in order. Checks run one
 * at a time (some start containers, and the sandbox budget is per container). A check that
 * throws becomes `error` with its message; it never stops the others.
 */
import type { CheckResult, CheckSpec } from "../../../lib/checks";
import { engineMessage } from "../container-run";
import { isEngineDown } from "../engine";
import { CHECKS } from "./registry";
import type { CheckContext, CheckFn, CheckOutcome } from "./types";

export type { CheckContext } from "./types";

/**
 * Shown for every check but build-succeeds when the build failed: `fail`, because the learner's
 * run did not produce what the check needs (`error` is kept for faults on the runner's side).
 */
export const NOT_BUILT_MESSAGE = "not checked: the build did not succeed";

export async function runChecks(ctx: CheckContext, specs: CheckSpec[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const spec of specs) results.push(toResult(spec, await outcomeOf(ctx, spec), ctx.linkBase));
  return results;
}

async function outcomeOf(ctx: CheckContext, spec: CheckSpec): Promise<CheckOutcome | { status: "error"; message: string }> {
  if (!ctx.build.ok && spec.kind !== "build-succeeds") return { status: "fail", message: NOT_BUILT_MESSAGE };
  try {
    // The registry pairs each kind with its function; TypeScript cannot follow the pairing.
    const check = CHECKS[spec.kind] as CheckFn<CheckSpec["kind"]> | undefined;
    if (!check) throw new Error(`no grader for check kind "${spec.kind}" in this runner`);
    return await check(ctx, spec as never);
  } catch (err) {
    const cause = isEngineDown(err) ? "the Docker engine is not reachable" : engineMessage(err);
    return { status: "error", message: `the check could not run: ${cause}` };
  }
}

/** Adds title, hint (only when not passing) and the lesson link to a check's verdict. */
export function toResult(
  spec: CheckSpec,
  outcome: { status: CheckResult["status"]; message: string; detail?: CheckResult["detail"] },
  linkBase: string,
): CheckResult {
  return {
    checkId: spec.id,
    kind: spec.kind,
    title: spec.title,
    status: outcome.status,
    message: outcome.message,
    ...(outcome.status !== "pass" && { hint: spec.hint }),
    ...(spec.section !== undefined && { link: `${linkBase}#${spec.section}` }),
    ...(outcome.detail && { detail: outcome.detail }),
  };
}
