/**
 * Runs the image in the sandbox (no network, read-only root, limits) and asks whether it is
 * healthy: over HTTP from a probe container on the app's loopback, or by waiting for the image's
 * own HEALTHCHECK. A crash, a hang or a wrong answer is the learner's program: `fail`, with what
 * was observed.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import type { CheckSpecOf } from "../../../lib/checks";
import { withService, type RunningService } from "../container-run";
import { quoteOutput } from "./output-text";
import { pollHttp, withHttpProbe } from "./http-probe";
import { describeAttempt, describeExit, seconds, statusText } from "./service-messages";
import type { CheckContext, CheckFn, CheckOutcome } from "./types";
import { fail, pass, requireImage } from "./types";

/** The app runs with the sandbox's default tmpfs. */
const WRITABLE = ["/tmp"];
/** A wrong answer repeated for this long is the answer (see `pollHttp`). */
const SETTLE_MS = 3_000;
/**
 * HEALTHCHECK timing while grading. Engine 20.10 runs the first check only after `--interval`
 * (30 s by default, longer than any check may wait), so the test command is run every 500 ms
 * instead; its retries and start period are the image's own, and one attempt may take at most 5 s.
 */
const HEALTH_INTERVAL_NS = 500_000_000;
const HEALTH_TIMEOUT_MAX_NS = 5_000_000_000;
const HEALTH_POLL_MS = 250;

export const healthProbe: CheckFn<"health-probe"> = async (ctx, spec) => {
  const image = requireImage(ctx);
  return spec.mode === "healthcheck" ? byHealthcheck(ctx, image, spec) : byHttp(ctx, image, spec);
};

async function byHttp(ctx: CheckContext, image: string, spec: CheckSpecOf<"health-probe">): Promise<CheckOutcome> {
  const port = spec.port;
  if (port === undefined) throw new Error('a health-probe in "http" mode needs a port in exercise.json');
  const { path, expectStatus, bodyIncludes } = spec;
  const target = `GET ${path} on port ${port}`;
  return withService(
    ctx.docker,
    image,
    {},
    (service) =>
      withHttpProbe(ctx.docker, service, image, async (probe) => {
        const accept = (a: { status: number; body: string }) => a.status === expectStatus && (bodyIncludes === undefined || a.body.includes(bodyIncludes));
        const result = await pollHttp(probe, service, { port, path, deadline: service.startedAt + spec.timeoutMs, accept, settleMs: SETTLE_MS });
        switch (result.kind) {
          case "accepted": {
            const body = bodyIncludes === undefined ? "" : ` with ${JSON.stringify(bodyIncludes)} in the body`;
            return pass(`${target} answered ${statusText(result.attempt)}${body}, ${seconds(result.afterMs)} after the container started`);
          }
          case "exited":
            return fail(`the app ${describeExit(result.exit, service.output().stderr, WRITABLE, ` before ${target} answered`)}`);
          case "gave-up": {
            const last = result.last;
            if (last.kind === "answered" && last.status === expectStatus) {
              return fail(`${target} answered ${statusText(last)}, but the body did not include ${JSON.stringify(bodyIncludes)}; it was ${quoteOutput(last.body)}`);
            }
            if (last.kind === "answered") return fail(`${target} answered ${statusText(last)}; expected ${expectStatus}`);
            return fail(`nothing answered ${target} within ${seconds(spec.timeoutMs)}: ${describeAttempt(last, port, path)}${stillRunning(service)}`);
          }
        }
      }),
    (startError) => fail(`the container did not start: ${startError}`),
  );
}

async function byHealthcheck(ctx: CheckContext, image: string, spec: CheckSpecOf<"health-probe">): Promise<CheckOutcome> {
  const configured = (await ctx.docker.getImage(image).inspect()).Config?.Healthcheck;
  const test = configured?.Test ?? [];
  if (test.length === 0 || test[0] === "NONE") {
    return fail("the image has no HEALTHCHECK, so the engine has no health status to report");
  }
  return withService(
    ctx.docker,
    image,
    { healthcheck: gradingHealthcheck(configured ?? {}) },
    async (service) => {
      const deadline = service.startedAt + spec.timeoutMs;
      for (;;) {
        const health = (await service.container.inspect()).State.Health;
        const lastLog = health?.Log?.at(-1);
        const lastRun = lastLog ? `; the last check exited with code ${lastLog.ExitCode} and printed ${quoteOutput(lastLog.Output, { tail: true })}` : "";
        if (health?.Status === "healthy") return pass(`the HEALTHCHECK reported healthy ${seconds(Date.now() - service.startedAt)} after the container started`);
        const exit = service.exit();
        if (exit) return fail(`the app ${describeExit(exit, service.output().stderr, WRITABLE, " before its HEALTHCHECK passed")}`);
        if (health?.Status === "unhealthy") return fail(`the HEALTHCHECK reported unhealthy after ${health.FailingStreak} failed checks${lastRun}`);
        if (Date.now() >= deadline) {
          return fail(`the HEALTHCHECK had not reported healthy after ${seconds(spec.timeoutMs)} (status "${health?.Status ?? "none"}")${lastRun}`);
        }
        await Promise.race([sleep(HEALTH_POLL_MS), service.exited]);
      }
    },
    (startError) => fail(`the container did not start: ${startError}`),
  );
}

/** The image's HEALTHCHECK with grading-friendly timing (see `HEALTH_INTERVAL_NS`). */
export function gradingHealthcheck(configured: Docker.HealthConfig): Docker.HealthConfig {
  const timeout = configured.Timeout && configured.Timeout > 0 ? configured.Timeout : HEALTH_TIMEOUT_MAX_NS;
  return {
    Test: configured.Test,
    Interval: HEALTH_INTERVAL_NS,
    Timeout: Math.min(timeout, HEALTH_TIMEOUT_MAX_NS),
    Retries: configured.Retries && configured.Retries > 0 ? configured.Retries : 3,
    StartPeriod: configured.StartPeriod ?? 0,
  };
}

function stillRunning(service: RunningService): string {
  const stderr = service.output().stderr;
  return stderr.trim() ? `; the app was still running, and its last error output was ${quoteOutput(stderr, { tail: true })}` : "";
}
