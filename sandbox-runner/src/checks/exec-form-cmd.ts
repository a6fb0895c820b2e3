/**
 * The final image must say what to run, in exec form, and that command must be the learner's.
 * An image inherits its base's CMD and ENTRYPOINT (`stagecraft/busybox:1.35` has `CMD ["sh"]`), so
 * a Dockerfile with no CMD at all still yields an image with a command: it counts only when CMD or
 * ENTRYPOINT differs from what the final stage's base image provides.
 */
import type Docker from "dockerode";
import type { ImageConfigSummary } from "../../../lib/report";
import { finalBaseImage } from "../image-report";
import type { CheckFn, CheckOutcome } from "./types";
import { fail, pass, requireReport } from "./types";

/** The command the final stage starts with, from the image its `FROM` chain ends at. */
export type BaseCommand = { ref: string; cmd: string[] | null; entrypoint: string[] | null };

export const execFormCmd: CheckFn<"exec-form-cmd"> = async (ctx) => {
  const config = requireReport(ctx).config;
  return judgeCommand(config, await baseCommand(ctx.docker, finalBaseImage(ctx.model)));
};

/** `base` null: nothing to inherit (scratch) or not known (see `baseCommand`). */
export function judgeCommand(config: Pick<ImageConfigSummary, "cmd" | "entrypoint" | "cmdForm">, base: BaseCommand | null): CheckOutcome {
  const { cmd, entrypoint, cmdForm } = config;
  if (cmdForm === "none") return fail("the image has no CMD or ENTRYPOINT, so it does not say what to run");
  const shown = [entrypoint && `ENTRYPOINT ${argv(entrypoint)}`, cmd && `CMD ${argv(cmd)}`].filter(Boolean).join(" with ");
  if (base && same(cmd, base.cmd) && same(entrypoint, base.entrypoint)) {
    return fail(`the image only has ${shown} inherited from ${base.ref}; set your own CMD in exec form`);
  }
  if (cmdForm === "shell") return fail(`${shown} wraps the program in /bin/sh -c (shell form), so the shell is PID 1`);
  return pass(`${shown} starts the program directly (exec form)`);
}

/**
 * Inspects the base image. A base the engine cannot look up (a `FROM $ARG` line, whose model keeps
 * the text as written) gives null, so the image is judged on its own config: lenient, but never a
 * false failure. Engine faults still throw and become `error`.
 */
async function baseCommand(docker: Docker, ref: string | null): Promise<BaseCommand | null> {
  if (ref === null) return null;
  try {
    const config: { Cmd?: string[] | null; Entrypoint?: string | string[] | null } = (await docker.getImage(ref).inspect()).Config ?? {};
    return { ref, cmd: config.Cmd ?? null, entrypoint: toArray(config.Entrypoint) };
  } catch (err) {
    const status = (err as { statusCode?: unknown })?.statusCode;
    if (status === 404 || status === 400) return null;
    throw err;
  }
}

/** `null` and `[]` both mean "not set". */
function same(a: string[] | null, b: string[] | null): boolean {
  return JSON.stringify(a ?? []) === JSON.stringify(b ?? []);
}

function toArray(value: string | string[] | null | undefined): string[] | null {
  if (value === null || value === undefined || value === "") return null;
  return Array.isArray(value) ? value : [value];
}

function argv(list: string[]): string {
  return JSON.stringify(list);
}
