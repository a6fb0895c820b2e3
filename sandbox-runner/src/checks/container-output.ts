/**
 * Runs the image in the sandbox and checks what it printed and how it exited. A hang, a memory
 * kill or a command that cannot start is the learner's program misbehaving: `fail`, not `error`.
 */
import { formatBytes } from "../../../lib/report";
import { runContainer } from "../container-run";
import { SANDBOX_LIMITS } from "../limits";
import { quoteOutput } from "./output-text";
import type { CheckFn } from "./types";
import { fail, pass, requireImage } from "./types";

export const containerOutput: CheckFn<"container-output"> = async (ctx, spec) => {
  const run = await runContainer(ctx.docker, requireImage(ctx), { cmd: spec.cmd, timeoutMs: spec.timeoutMs });
  const printed = `; it printed ${quoteOutput(run.stdout)}`;
  if (run.startError) return fail(`the container did not start: ${run.startError}`);
  if (run.oomKilled) {
    return fail(`the container was killed for using more than ${formatBytes(SANDBOX_LIMITS.container.memoryBytes)} of memory`);
  }
  if (run.timedOut) {
    return fail(`the container was still running after ${spec.timeoutMs / 1000} s, so it was stopped${printed}`);
  }
  if (run.exitCode !== spec.exitCode) {
    const stderr = run.stderr.trim() ? `; its last error output was ${quoteOutput(run.stderr, { tail: true })}` : "";
    return fail(`the container exited with code ${run.exitCode}, expected ${spec.exitCode}${stderr}`);
  }
  const missing = spec.stdoutIncludes.filter((s) => !run.stdout.includes(s));
  if (missing.length > 0) {
    return fail(`the output did not include ${missing.map((s) => JSON.stringify(s)).join(", ")}${printed}`);
  }
  const expected = spec.stdoutIncludes.length > 0 ? ` and printed ${spec.stdoutIncludes.map((s) => JSON.stringify(s)).join(", ")}` : "";
  return pass(`the container exited with code ${run.exitCode}${expected}`);
};
