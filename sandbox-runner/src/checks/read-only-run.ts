/**
 * Runs the image with a read-only root filesystem and writable tmpfs only where the exercise says
 * (every sandbox run is read-only; this check makes it the point). A server must stay up and, with
 * a port, answer its health route; a CLI must exit 0. A failed write is named plainly.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { withService, type ServiceExit } from "../container-run";
import { pollHttp, withHttpProbe } from "./http-probe";
import { describeAttempt, describeExit, readOnlyWrite, seconds, statusText, writableText } from "./service-messages";
import type { CheckFn } from "./types";
import { fail, pass, requireImage } from "./types";

/** After `stayUpMs`, how long the health route may take to answer. */
const ANSWER_WITHIN_MS = 5_000;
/** A wrong answer repeated for this long is the answer. */
const SETTLE_MS = 2_000;

export const readOnlyRun: CheckFn<"read-only-run"> = async (ctx, spec) => {
  const image = requireImage(ctx);
  const writable = ` with a read-only root filesystem (${writableText(spec.tmpfs)})`;
  return withService(
    ctx.docker,
    image,
    { tmpfs: spec.tmpfs },
    async (service) => {
      const timer = new AbortController();
      const exit = await Promise.race([service.exited, sleep(spec.stayUpMs, null, { signal: timer.signal })]).finally(() => timer.abort());
      const stderr = () => service.output().stderr;
      // A failed write already says the root is read-only and what is writable; other exits get it said.
      const exitWith = (exit: ServiceExit, text: string) => describeExit(exit, text, spec.tmpfs, readOnlyWrite(text) ? "" : writable);
      if (exit && exit.exitCode === 0 && !exit.oomKilled && spec.port === undefined) {
        return pass(`the program ran${writable} and exited with code 0`);
      }
      if (exit && exit.exitCode === 0 && !exit.oomKilled) {
        return fail(`the program exited with code 0 after ${seconds(exit.afterMs)}, so nothing answered on port ${spec.port}; a server must keep running`);
      }
      if (exit) return fail(`the program ${exitWith(exit, stderr())}`);
      const port = spec.port;
      if (port === undefined) return pass(`the program was still running after ${seconds(spec.stayUpMs)}${writable}`);

      return withHttpProbe(ctx.docker, service, image, async (probe) => {
        const accept = (a: { status: number }) => a.status >= 200 && a.status < 300;
        const result = await pollHttp(probe, service, { port, path: spec.path, deadline: Date.now() + ANSWER_WITHIN_MS, accept, settleMs: SETTLE_MS });
        switch (result.kind) {
          case "accepted":
            return pass(`the server stayed up${writable} and GET ${spec.path} on port ${port} answered ${statusText(result.attempt)}`);
          case "exited":
            return fail(`the server ${exitWith(result.exit, stderr())}`);
          case "gave-up":
            return fail(`the server stayed up${writable}, but ${describeAttempt(result.last, port, spec.path)}${result.last.kind === "answered" ? "; expected a 2xx status" : ""}`);
        }
      });
    },
    (startError) => fail(`the container did not start: ${startError}`),
  );
};
