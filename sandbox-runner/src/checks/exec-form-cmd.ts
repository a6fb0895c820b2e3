import type { CheckFn } from "./types";
import { fail, pass, requireReport } from "./types";

export const execFormCmd: CheckFn<"exec-form-cmd"> = async (ctx) => {
  const { cmd, entrypoint, cmdForm } = requireReport(ctx).config;
  const shown = [entrypoint && `ENTRYPOINT ${argv(entrypoint)}`, cmd && `CMD ${argv(cmd)}`].filter(Boolean).join(" with ");
  if (cmdForm === "none") return fail("the image has no CMD or ENTRYPOINT, so it does not say what to run");
  if (cmdForm === "shell") return fail(`${shown} wraps the program in /bin/sh -c (shell form), so the shell is PID 1`);
  return pass(`${shown} starts the program directly (exec form)`);
};

function argv(list: string[]): string {
  return JSON.stringify(list);
}
