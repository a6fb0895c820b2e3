/**
 * One learner's WebSocket connection, from the upgrade to the close. Every frame is `unknown`
 * until `parseClientMessage` accepts it; every refusal is a typed `error` frame, never a crash;
 * the connection takes its runs with it when it closes (a learner who reloads mid-build gets a
 * cancelled run and starts again — simpler and safer than re-attaching a stranger's socket).
 */
import type { RawData, WebSocket } from "ws";
import { parseClientMessage, type ErrorCode, type ServerMessage } from "../../lib/protocol";
import { frameTooLargeMessage, nestedDeeperThan, oversizeDockerfile, rawSize, rawText, runIdOf } from "./client-frame";
import type { SANDBOX_LIMITS } from "./limits";
import { ContentError } from "../../lib/lessons/schema";
import { MessageRate } from "./message-rate";
import { authoringProblem } from "./run-pipeline";
import { startRun, type RunConnection, type RunStartDeps } from "./run-start";

/** A `ws` close code of our own for an idle connection (4000–4999 are application codes). */
export const CLOSE_IDLE = 4000;

export type SocketLimits = {
  [K in keyof typeof SANDBOX_LIMITS.socket]: number;
};

export type SessionDeps = RunStartDeps & {
  limits: SocketLimits;
  /** Liveness ping interval; a peer that misses one pong is dropped. */
  heartbeatMs: number;
};

/** What the learner is told when a run could not start; a broken course names its file. */
function startFailure(err: unknown): string {
  if (err instanceof ContentError) {
    return authoringProblem(err.message);
  }
  return "The runner could not start this run.";
}

export function openSocketSession(ws: WebSocket, learnerId: string, deps: SessionDeps): void {
  const { limits, queue, log } = deps;
  const finished: string[] = []; // recent runs, so a late `cancel` is not an error
  const rate = new MessageRate(limits);
  let alive = true;

  const send = (message: ServerMessage) => {
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
  };
  const sendError = (runId: string | null, code: ErrorCode, message: string) => send({ type: "error", runId, code, message });
  const conn: RunConnection = {
    learnerId,
    isOpen: () => ws.readyState === ws.OPEN,
    send,
    sendError,
    runs: new Set<string>(),
    done(runId) {
      conn.runs.delete(runId);
      finished.push(runId);
      if (finished.length > 20) finished.shift();
    },
  };

  let idleTimer = setTimeout(onIdle, limits.idleTimeoutMs);
  function onIdle() {
    // A learner watching a long build sends nothing; only a connection with no run is idle.
    if (conn.runs.size > 0) return void (idleTimer = setTimeout(onIdle, limits.idleTimeoutMs));
    ws.close(CLOSE_IDLE, "idle");
  }
  const heartbeat = setInterval(() => {
    if (!alive) return ws.terminate();
    alive = false;
    ws.ping();
  }, deps.heartbeatMs);
  ws.on("pong", () => (alive = true));

  ws.on("message", (data: RawData, isBinary: boolean) => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(onIdle, limits.idleTimeoutMs);
    const verdict = rate.take(Date.now());
    if (verdict === "refuse") {
      sendError(null, "rate_limited", `Too many messages: at most ${limits.messagesPerWindow} per ${limits.windowMs / 1000} s.`);
    } else if (verdict === "close") {
      ws.close(1008, "rate limit");
    }
    if (verdict === "ok") onFrame(data, isBinary);
  });

  function onFrame(data: RawData, isBinary: boolean): void {
    const size = rawSize(data);
    if (size > limits.maxFrameBytes) {
      return sendError(null, "frame_too_large", frameTooLargeMessage(size, limits.maxFrameBytes));
    }
    if (isBinary) return sendError(null, "invalid_message", "Binary frames are not part of the protocol.");
    const text = rawText(data);
    if (nestedDeeperThan(text, limits.maxJsonDepth)) {
      return sendError(null, "invalid_message", `The message nests more than ${limits.maxJsonDepth} levels deep; protocol messages are flat.`);
    }
    const parsed = parseClientMessage(text);
    if (!parsed.ok) {
      const oversize = oversizeDockerfile(text);
      if (oversize !== null) return sendError(runIdOf(text), "dockerfile_invalid", oversize);
      return sendError(runIdOf(text), "invalid_message", parsed.error);
    }
    const message = parsed.value;
    if (message.type === "start") {
      void startRun(message, conn, deps).catch((err: unknown) => {
        log("start failed", err);
        sendError(message.runId, "internal", startFailure(err));
      });
    } else if (queue.owns(message.runId, learnerId)) {
      queue.cancel(message.runId);
    } else if (!finished.includes(message.runId)) {
      sendError(message.runId, "invalid_message", "There is no run with this id to cancel.");
    }
  }

  ws.on("close", () => {
    clearTimeout(idleTimer);
    clearInterval(heartbeat);
    for (const runId of conn.runs) queue.cancel(runId);
  });
  ws.on("error", (err) => log("socket error", err));
}
