/**
 * A learner's browser, reduced to what the runner tests need: opens `/ws` with an Origin and a
 * token, validates every server frame with the shared protocol schema and waits for messages.
 * Test-only (the runner's socket tests and the browser tests' other learners).
 */
import { randomUUID } from "node:crypto";
import WebSocket from "ws";
import { parseServerMessage, type ServerMessage } from "../../lib/protocol";

type Of<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

export type TestClient = Awaited<ReturnType<typeof connectClient>>;

export async function connectClient(url: string, opts: { origin: string; token: string }) {
  const ws = new WebSocket(`${url}/ws?token=${opts.token}`, { origin: opts.origin });
  /** Every message received, in order (never consumed). */
  const log: ServerMessage[] = [];
  /** Messages not yet taken by `next`. */
  const messages: ServerMessage[] = [];
  const waiters: { match: (m: ServerMessage) => boolean; resolve: (m: ServerMessage) => void }[] = [];
  ws.on("message", (data) => {
    const parsed = parseServerMessage(data.toString());
    if (!parsed.ok) throw new Error(`server sent an invalid message: ${parsed.error}: ${data.toString()}`);
    log.push(parsed.value);
    const waiter = waiters.find((w) => w.match(parsed.value));
    if (waiter) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve(parsed.value);
    } else {
      messages.push(parsed.value);
    }
  });
  await new Promise<void>((resolve, reject) => {
    ws.once("open", () => resolve());
    ws.once("error", reject);
  });

  /**
   * The next message of `type` (for `runId`, when given; null matches runless errors). Several
   * types take whichever comes first, e.g. `["accepted", "error"]`: the runner's answer to a start.
   */
  function next<T extends ServerMessage["type"]>(type: T | readonly T[], runId?: string | null, timeoutMs = 5_000): Promise<Of<T>> {
    const types: readonly string[] = typeof type === "string" ? [type] : type;
    const match = (m: ServerMessage) => types.includes(m.type) && (runId === undefined || m.runId === runId);
    const seen = messages.find(match);
    if (seen) {
      messages.splice(messages.indexOf(seen), 1);
      return Promise.resolve(seen as Of<T>);
    }
    return new Promise<Of<T>>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiters.splice(waiters.indexOf(waiter), 1);
        reject(new Error(`no ${JSON.stringify(type)} message within ${timeoutMs} ms; got ${JSON.stringify(log.map((m) => m.type))}`));
      }, timeoutMs);
      const waiter = {
        match,
        resolve: (m: ServerMessage) => {
          clearTimeout(timer);
          resolve(m as Of<T>);
        },
      };
      waiters.push(waiter);
    });
  }

  function start(exerciseId: string, dockerfile: string, runId: string = randomUUID()): string {
    ws.send(JSON.stringify({ type: "start", runId, exerciseId, files: { Dockerfile: dockerfile } }));
    return runId;
  }

  function cancel(runId: string): void {
    ws.send(JSON.stringify({ type: "cancel", runId }));
  }

  const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
  return { ws, log, messages, next, start, cancel, closed };
}

/** The HTTP status of a refused upgrade (rejects if the upgrade was accepted or nobody listens). */
export function upgradeStatus(url: string, headers: Record<string, string>): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    const ws = new WebSocket(url, { headers });
    ws.on("unexpected-response", (_req, res) => {
      resolve(res.statusCode ?? 0);
      res.resume();
    });
    ws.on("open", () => {
      ws.close();
      reject(new Error("the upgrade was accepted"));
    });
    ws.on("error", (err) => reject(err)); // e.g. ECONNREFUSED once the runner has stopped
  });
}
