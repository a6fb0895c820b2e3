/**
 * What every check module sees and returns. A check answers pass or fail with a sentence saying
 * what it observed; `runChecks` adds the title, hint and link, and turns a throw into `error`.
 */
import type Docker from "dockerode";
import type { CheckKind, CheckSpecOf, CheckStatus } from "../../../lib/checks";
import type { DockerfileModel } from "../../../lib/dockerfile/index";
import type { ImageReport } from "../../../lib/report";
import type { BuildOutcome } from "../build-backend";

export type CheckContext = {
  docker: Docker;
  /** The built image's tag; null when the build did not succeed. */
  imageRef: string | null;
  report: ImageReport | null;
  build: BuildOutcome;
  model: DockerfileModel;
  /** The lesson's URL, e.g. "/lessons/anatomy"; a spec's `section` becomes its `#anchor`. */
  linkBase: string;
};

/** A check's verdict. `error` is left to `runChecks`: a check that cannot decide throws. */
export type CheckOutcome = { status: Exclude<CheckStatus, "error">; message: string };

export type CheckFn<K extends CheckKind> = (ctx: CheckContext, spec: CheckSpecOf<K>) => Promise<CheckOutcome>;

export const pass = (message: string): CheckOutcome => ({ status: "pass", message });
export const fail = (message: string): CheckOutcome => ({ status: "fail", message });

/** The built image, or a throw (→ `error`): checks that need one never run without a build. */
export function requireImage(ctx: CheckContext): string {
  if (!ctx.imageRef) throw new Error("no image was built to check");
  return ctx.imageRef;
}

export function requireReport(ctx: CheckContext): ImageReport {
  if (!ctx.report) throw new Error("the image report could not be read");
  return ctx.report;
}
