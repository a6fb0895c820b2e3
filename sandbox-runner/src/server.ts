/**
 * The runner's network face: `GET /health` and the learner WebSocket at `/ws`.
 *
 * Connections are authenticated before the upgrade (auth.ts); what happens on one is
 * `socket-session.ts`. This file owns what all connections share: the queue, the store writes
 * shutdown waits for, and the order in which shutdown ends runs, sockets and the HTTP server.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { Exercise } from "../../lib/lessons/schema";
import { authenticateUpgrade, rejectUpgrade } from "./auth";
import type { HealthReport } from "./health";
import { SANDBOX_LIMITS } from "./limits";
import { RunQueue, type QueueFootprint } from "./queue";
import type { RunOutcome, RunRequest } from "./run-pipeline";
import type { RunStore } from "./run-store";
import { openSocketSession, type SocketLimits } from "./socket-session";

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
  /** What the runner holds in memory right now; all zero when idle (tests check nothing leaks). */
  stats(): RunnerStats;
  /** Stops accepting, ends every run (`interrupted`), closes sockets and the HTTP server. */
  shutdown(): Promise<void>;
};

export type RunnerStats = {
  queue: QueueFootprint;
  /** Store writes not yet settled. */
  pendingWrites: number;
  /** Open learner WebSockets. */
  connections: number;
};

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
  const session = {
    limits,
    heartbeatMs: opts.heartbeatMs ?? 30_000,
    queue,
    log,
    track,
    closing: () => closing,
    loadExercise: opts.loadExercise,
    store: opts.store,
    execute: opts.execute,
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
        wss.handleUpgrade(req, socket, head, (ws) => openSocketSession(ws, auth.learnerId, session));
      })
      .catch((err: unknown) => {
        log("upgrade failed", err);
        rejectUpgrade(socket, 400, "bad request");
      });
  });

  return {
    server,
    queue,
    stats: () => ({ queue: queue.footprint(), pendingWrites: pending.size, connections: wss.clients.size }),
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

function delay(ms: number) {
  return new Promise((r) => setTimeout(r, ms).unref());
}
