/**
 * The runner's network face: `GET /health` and the learner WebSocket at `/ws`.
 *
 * Connection rules: authenticated before the upgrade (auth.ts); every frame is `unknown` until
 * `parseClientMessage` accepts it; every refusal is a typed `error` frame, never a crash; a
 * connection that closes takes its runs with it (a learner who reloads mid-build gets a cancelled
 * run and starts again — simpler and safer than re-attaching a stranger's socket to a build).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import type { Exercise } from "../../lib/lessons/schema";
import { parseClientMessage, PROTOCOL_LIMITS, RunId, type ClientMessage, type ErrorCode, type ServerMessage } from "../../lib/protocol";
import { formatBytes } from "../../lib/report";
import { authenticateUpgrade, rejectUpgrade } from "./auth";
import type { HealthReport } from "./health";
import { SANDBOX_LIMITS } from "./limits";
import { RunQueue } from "./queue";
import type { RunOutcome, RunRequest } from "./run-pipeline";
import type { RunStore } from "./run-store";

type SocketLimits = {
  [K in keyof typeof SANDBOX_LIMITS.socket]: number;
};

export type RunnerServerOptions = {
  origins: readonly string[];
  secret: string;
  queue: { slots: number; maxQueued: number };
  store: RunStore;
  loadExercise(id: string): Promise<Exercise | null>;
  /** `executeRun` bound to its pipeline; tests pass a fake. */
  execute(req: RunRequest): Promise<RunOutcome>;
  health(queue: RunQueue): Promise<HealthReport>;
  /** @default SANDBOX_LIMITS.socket */
  socket?: Partial<SocketLimits>;
  /** Liveness ping interval; a peer that misses one pong is dropped. @default 30000 */
  heartbeatMs?: number;
  /** How long shutdown waits for running builds to stop and clean up. @default 6000 */
  shutdownGraceMs?: number;
  log?: (message: string, err?: unknown) => void;
};

export type RunnerServer = {
  server: Server;
  queue: RunQueue;
  listen(port: number, host: string): Promise<AddressInfo>;
  /** Stops accepting, ends every run (`interrupted`), closes sockets and the HTTP server. */
  shutdown(): Promise<void>;
};

/** A `ws` close code of our own for an idle connection (4000–4999 are application codes). */
export const CLOSE_IDLE = 4000;


export function createRunnerServer(opts: RunnerServerOptions): RunnerServer {
  const limits: SocketLimits = { ...SANDBOX_LIMITS.socket, ...opts.socket };
  const log = opts.log ?? ((m: string, e?: unknown) => console.warn(`[runner] ${m}`, e ?? ""));
  const queue = new RunQueue(opts.queue);
  const pending = new Set<Promise<unknown>>(); // store writes shutdown must wait for
  let closing = false;

  const track = <T>(p: Promise<T>) => {
    pending.add(p);
    void p.finally(() => pending.delete(p)).catch(() => undefined);
    return p;
  };

  // Frames over maxFrameBytes get a typed `frame_too_large` error and the connection lives on;
  // only beyond the ceiling does `ws` itself close the socket with 1009 without buffering more.
  const wss = new WebSocketServer({ noServer: true, maxPayload: Math.max(limits.hardMaxFrameBytes, limits.maxFrameBytes) });

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://runner.invalid");
    if (req.method === "GET" && url.pathname === "/health") {
      opts
        .health(queue)
        .then((report) => {
          res.writeHead(report.ok ? 200 : 503, { "content-type": "application/json", "cache-control": "no-store" });
          res.end(JSON.stringify(report));
        })
        .catch((err: unknown) => {
          log("health check failed", err);
          res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ ok: false }));
        });
      return;
    }
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: "not found" }));
  });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on("error", () => undefined); // a client vanishing mid-handshake is not our error
    const path = new URL(req.url ?? "/", "http://runner.invalid").pathname;
    if (path !== "/ws") return rejectUpgrade(socket, 404, "not found");
    if (closing) return rejectUpgrade(socket, 503, "runner is shutting down");
    authenticateUpgrade(req, { origins: opts.origins, secret: opts.secret })
      .then((auth) => {
        if (!auth.ok) return rejectUpgrade(socket, auth.status, auth.reason);
        if (closing) return rejectUpgrade(socket, 503, "runner is shutting down");
        wss.handleUpgrade(req, socket, head, (ws) => onConnection(ws, auth.learnerId));
      })
      .catch((err: unknown) => {
        log("upgrade failed", err);
        rejectUpgrade(socket, 400, "bad request");
      });
  });

  function onConnection(ws: WebSocket, learnerId: string): void {
    const runs = new Set<string>(); // runs started on this connection and not finished yet
    const finished: string[] = []; // recent ones, so a late `cancel` is not an error
    let windowStart = Date.now();
    let windowCount = 0;
    let alive = true;

    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    };
    const sendError = (runId: string | null, code: ErrorCode, message: string) =>
      send({ type: "error", runId, code, message });

    let idleTimer = setTimeout(onIdle, limits.idleTimeoutMs);
    function onIdle() {
      // A learner watching a long build sends nothing; only a connection with no run is idle.
      if (runs.size > 0) return void (idleTimer = setTimeout(onIdle, limits.idleTimeoutMs));
      ws.close(CLOSE_IDLE, "idle");
    }
    const heartbeat = setInterval(() => {
      if (!alive) return ws.terminate();
      alive = false;
      ws.ping();
    }, opts.heartbeatMs ?? 30_000);
    ws.on("pong", () => (alive = true));

    ws.on("message", (data: RawData, isBinary: boolean) => {
      clearTimeout(idleTimer);
      idleTimer = setTimeout(onIdle, limits.idleTimeoutMs);
      const now = Date.now();
      if (now - windowStart >= limits.windowMs) {
        windowStart = now;
        windowCount = 0;
      }
      windowCount += 1;
      if (windowCount > limits.messagesPerWindow) {
        // One answer per window; a client that keeps flooding is cut off.
        if (windowCount === limits.messagesPerWindow + 1) {
          sendError(null, "rate_limited", `Too many messages: at most ${limits.messagesPerWindow} per ${limits.windowMs / 1000} s.`);
        } else if (windowCount > limits.messagesPerWindow * 5) {
          ws.close(1008, "rate limit");
        }
        return;
      }
      const size = rawSize(data);
      if (size > limits.maxFrameBytes) {
        return sendError(null, "frame_too_large", frameTooLargeMessage(size, limits.maxFrameBytes));
      }
      if (isBinary) return sendError(null, "invalid_message", "Binary frames are not part of the protocol.");
      const text = rawText(data);
      const parsed = parseClientMessage(text);
      if (!parsed.ok) {
        const oversize = oversizeDockerfile(text);
        if (oversize !== null) return sendError(runIdOf(text), "dockerfile_invalid", oversize);
        return sendError(runIdOf(text), "invalid_message", parsed.error);
      }
      const message = parsed.value;
      if (message.type === "start") {
        void handleStart(message).catch((err: unknown) => {
          log("start failed", err);
          sendError(message.runId, "internal", "The runner could not start this run.");
        });
      } else if (queue.owns(message.runId, learnerId)) {
        queue.cancel(message.runId);
      } else if (!finished.includes(message.runId)) {
        sendError(message.runId, "invalid_message", "There is no run with this id to cancel.");
      }
    });

    async function handleStart(message: Extract<ClientMessage, { type: "start" }>) {
      const { runId, exerciseId, files } = message;
      if (closing) return sendError(runId, "busy", "The runner is restarting; try again in a moment.");
      const exercise = await opts.loadExercise(exerciseId);
      if (!exercise) return sendError(runId, "unknown_exercise", `There is no exercise "${exerciseId}".`);
      if (ws.readyState !== ws.OPEN) return; // the page went away while the course loaded
      const reserved = queue.reserve(runId, learnerId);
      if (!reserved.ok) {
        return sendError(
          runId,
          reserved.code,
          reserved.code === "busy"
            ? "The sandbox queue is full right now; try again in a minute."
            : "You already have a run in progress; wait for it to finish or cancel it.",
        );
      }
      try {
        await opts.store.createSubmission({ id: runId, learnerId, exerciseId, dockerfile: files.Dockerfile });
      } catch (err) {
        queue.release(runId);
        if ((err as { code?: string }).code === "P2002") {
          return sendError(runId, "invalid_message", "This run id was used before; start a new run.");
        }
        log(`could not record submission ${runId}`, err);
        return sendError(runId, "database_unavailable", "The run could not be recorded, so it was not started.");
      }
      const acceptedAt = Date.now();
      if (ws.readyState !== ws.OPEN) {
        // Closed while the row was written: its close handler has run, so end the run here.
        queue.release(runId);
        track(opts.store.finish(runId, { state: "cancelled", durationMs: 0 }).catch((err: unknown) => log(`finish ${runId}`, err)));
        return;
      }
      runs.add(runId);
      const done = () => {
        runs.delete(runId);
        finished.push(runId);
        if (finished.length > 20) finished.shift();
      };
      const position = queue.enqueue(runId, {
        onPosition: (p) => send({ type: "queue", runId, position: p }),
        onDropped: (reason) => {
          const state = reason === "shutdown" ? "interrupted" : "cancelled";
          const durationMs = Date.now() - acceptedAt;
          track(opts.store.finish(runId, { state, durationMs }).catch((err: unknown) => log(`finish ${runId}`, err)));
          send({ type: "finished", runId, state, durationMs });
          done();
        },
        run: (signal) =>
          track(
            (async () => {
              await opts.store.markRunning(runId).catch((err: unknown) => log(`markRunning ${runId}`, err));
              const outcome = await opts
                .execute({ runId, learnerId, exercise, dockerfile: files.Dockerfile, signal, emit: send })
                .catch((err: unknown): RunOutcome => {
                  log(`run ${runId} threw`, err);
                  const durationMs = Date.now() - acceptedAt;
                  send({ type: "error", runId, code: "internal", message: "The run failed inside the runner." });
                  send({ type: "finished", runId, state: "error", durationMs });
                  return { state: "error", errorCode: "internal", durationMs, log: "" };
                });
              const { problems: _problems, imageTag: _imageTag, ...record } = outcome;
              await opts.store.finish(runId, record).catch((err: unknown) => log(`finish ${runId}`, err));
              done();
            })(),
          ),
      });
      send({ type: "accepted", runId, position });
    }

    ws.on("close", () => {
      clearTimeout(idleTimer);
      clearInterval(heartbeat);
      for (const runId of runs) queue.cancel(runId);
    });
    ws.on("error", (err) => log("socket error", err));
  }

  return {
    server,
    queue,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once("error", reject);
        server.listen(port, host, () => {
          server.off("error", reject);
          resolve(server.address() as AddressInfo);
        });
      }),
    async shutdown() {
      if (closing) return;
      closing = true;
      await queue.close(opts.shutdownGraceMs ?? 6_000);
      await Promise.race([Promise.allSettled([...pending]), delay(2_000)]);
      for (const ws of wss.clients) ws.close(1001, "runner shutting down");
      await Promise.race([new Promise<void>((r) => wss.close(() => r())), delay(1_000)]);
      for (const ws of wss.clients) ws.terminate();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** Says the limit in KiB, and what that means for the one big thing a learner sends. */
export function frameTooLargeMessage(size: number, maxFrameBytes: number): string {
  return (
    `The message was ${formatBytes(size)}, over the runner's limit of ${inKiB(maxFrameBytes)} per message, so it was ignored. ` +
    `A Dockerfile may be up to ${inKiB(PROTOCOL_LIMITS.maxDockerfileBytes)}.`
  );
}

/** A limit in KiB as people write it: "64 KiB", not "64.0 KiB". */
const inKiB = (bytes: number) => `${Math.round((bytes / 1024) * 10) / 10} KiB`;

function delay(ms: number) {
  return new Promise((r) => setTimeout(r, ms).unref());
}

function rawSize(data: RawData): number {
  if (Array.isArray(data)) return data.reduce((n, b) => n + b.length, 0);
  return data instanceof ArrayBuffer ? data.byteLength : data.length;
}

function rawText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString("utf8");
  return Buffer.from(data as ArrayBuffer).toString("utf8");
}

/**
 * For a `start` frame refused only because its Dockerfile is over the protocol's cap: what to tell
 * the learner (it is a Dockerfile problem, not a protocol one). Null for any other bad frame.
 */
function oversizeDockerfile(text: string): string | null {
  try {
    const value = JSON.parse(text) as { type?: unknown; files?: { Dockerfile?: unknown } } | null;
    const dockerfile = value?.type === "start" ? value.files?.Dockerfile : undefined;
    if (typeof dockerfile !== "string" || dockerfile.length <= PROTOCOL_LIMITS.maxDockerfileBytes) return null;
    const max = PROTOCOL_LIMITS.maxDockerfileBytes;
    return `The Dockerfile is ${dockerfile.length} characters long; the sandbox accepts at most ${max} (${inKiB(max)}). Nothing was built.`;
  } catch {
    return null;
  }
}

/** The run id of a frame that failed validation, when it has a well-formed one. */
function runIdOf(text: string): string | null {
  try {
    const value: unknown = JSON.parse(text);
    const id = (value as { runId?: unknown } | null)?.runId;
    return RunId.safeParse(id).success ? (id as string) : null;
  } catch {
    return null;
  }
}
