/**
 * WebSocket admission: who may open a socket, decided before the upgrade completes so a refused
 * client gets a plain HTTP status and never a WebSocket.
 *
 * - `Origin` must be one of the web app's origins (403): a page on another site cannot drive a
 *   learner's sandbox with the learner's browser.
 * - `?token=` must be a valid, unexpired runner token (401); its `sub` is the learner id.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { verifyToken } from "../../lib/token";

export type AuthResult =
  | { ok: true; learnerId: string }
  | { ok: false; status: 401 | 403; reason: string };

export type AuthOptions = { origins: readonly string[]; secret: string; nowSeconds?: number };

export async function authenticateUpgrade(req: IncomingMessage, opts: AuthOptions): Promise<AuthResult> {
  const origin = req.headers.origin;
  if (!origin || !opts.origins.includes(origin)) {
    return { ok: false, status: 403, reason: origin ? `origin ${origin} is not allowed` : "missing Origin header" };
  }
  // The host part is irrelevant: only the query string is read.
  const token = new URL(req.url ?? "/", "http://runner.invalid").searchParams.get("token");
  if (!token) return { ok: false, status: 401, reason: "missing token" };
  const verified = await verifyToken(token, opts.secret, opts.nowSeconds);
  if (!verified.ok) return { ok: false, status: 401, reason: verified.reason };
  return { ok: true, learnerId: verified.payload.sub };
}

const STATUS_TEXT: Record<number, string> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  503: "Service Unavailable",
};

/** Answers an upgrade request with a plain HTTP error and closes the socket. */
export function rejectUpgrade(socket: Duplex, status: number, reason: string): void {
  const body = JSON.stringify({ error: reason });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n` +
      "Connection: close\r\n" +
      "Content-Type: application/json\r\n" +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n` +
      body,
  );
}
