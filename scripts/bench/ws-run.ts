/**
 * One learner's run through the runner's WebSocket, timed at the moments a learner would see:
 * when the run left the queue, the first build event, the end of the build, the image report,
 * the check results and the end. Times are milliseconds after the `start` frame was sent,
 * measured in this process as the frames arrive.
 */
import { randomUUID } from "node:crypto";
import { parseServerMessage, type RunState, type ServerMessage } from "../../lib/protocol";
import { connectClient, type TestClient } from "../../sandbox-runner/src/test-client";
import { BENCH_ORIGIN, type RunnerChild } from "./runner-child";

export type RunTiming = {
  runId: string;
  state: RunState | "refused";
  /** The refusal code when the runner answered `error` before accepting (busy, …). */
  refusedCode?: string;
  /** The code of an `error` the run ended with (log_limit, timeout, …). */
  errorCode?: string;
  /** `accepted` with position 0, or the `queue` message that moved it to 0: the run began. */
  startedMs?: number;
  /** First `step` or build `log` (the runner's own notes are not build events). */
  firstBuildEventMs?: number;
  /** The last `step` message before the report: the build's last step as the learner sees it. */
  buildDoneMs?: number;
  reportMs?: number;
  checksMs?: number;
  finishedMs?: number;
  /** Names of the build's steps that came from the cache (proves a cold run was cold). */
  cachedSteps: string[];
  /** Ids of checks that did not pass (on a busy machine a probe can time out). */
  failedChecks?: string[];
  /** The runner's own build time (`finished.buildMs`: start of build → end of the HTTP stream). */
  runnerBuildMs?: number;
};

export type Learner = { id: string; client: TestClient; close(): void };

export async function connectLearner(runner: RunnerChild, id: string): Promise<Learner> {
  const client = await connectClient(runner.url.replace(/^http/, "ws"), { origin: BENCH_ORIGIN, token: await runner.token(id) });
  return { id, client, close: () => client.ws.close() };
}

/** Sends `start` and resolves when the run is finished (or refused); rejects after `timeoutMs`. */
export function timedRun(learner: Learner, exerciseId: string, dockerfile: string, timeoutMs = 600_000): Promise<RunTiming> {
  const { ws } = learner.client;
  const runId = randomUUID();
  const t: RunTiming = { runId, state: "refused", cachedSteps: [] };
  let t0 = 0;
  let accepted = false;
  return new Promise<RunTiming>((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`run ${runId} of ${exerciseId} did not finish within ${timeoutMs / 1000} s`)), timeoutMs);
    const onMessage = (data: unknown) => {
      const at = performance.now() - t0;
      const parsed = parseServerMessage(String(data));
      if (!parsed.ok) return;
      const m: ServerMessage = parsed.value;
      if (m.runId !== runId) return;
      switch (m.type) {
        case "accepted":
        case "queue":
          accepted = true;
          if (m.position === 0) t.startedMs ??= at;
          return;
        case "step":
          t.firstBuildEventMs ??= at;
          if (m.step.status === "cached" && !t.cachedSteps.includes(m.step.name)) t.cachedSteps.push(m.step.name);
          if (t.reportMs === undefined && t.checksMs === undefined) t.buildDoneMs = at;
          return;
        case "log":
          if (m.stream !== "runner") t.firstBuildEventMs ??= at;
          return;
        case "report":
          t.reportMs = at;
          return;
        case "checks":
          t.checksMs = at;
          t.failedChecks = m.results.filter((r) => r.status !== "pass").map((r) => r.checkId);
          return;
        case "error":
          if (!accepted) {
            t.refusedCode = m.code;
            return done();
          }
          t.errorCode = m.code;
          return;
        case "finished":
          t.state = m.state;
          t.finishedMs = at;
          if (m.buildMs !== undefined) t.runnerBuildMs = m.buildMs;
          return done();
      }
    };
    const done = (err?: Error) => {
      clearTimeout(timer);
      ws.off("message", onMessage);
      if (err) reject(err);
      else resolve(t);
    };
    ws.on("message", onMessage);
    t0 = performance.now();
    learner.client.start(exerciseId, dockerfile, runId);
  });
}
