"use client";

/**
 * One run = one WebSocket to the sandbox runner: fetch a token for this learner, connect, send
 * `start`, stream frames into the run state (and the terminal) until `finished`, then close.
 * A fresh socket per run keeps reconnect logic out of the page and the token always fresh.
 */
import { useCallback, useEffect, useReducer, useRef } from "react";
import { z } from "zod";
import { parseServerMessage, type ClientMessage, type ServerMessage } from "@/lib/protocol";
import { idleRun, isBusy, isCurrent, oversizeDockerfileMessage, runReducer, type RunView } from "./run-state";

const TokenResponse = z.object({ token: z.string().min(1), url: z.string().min(1) });
const TokenError = z.object({ error: z.string() });

export function unreachableMessage(url: string): string {
  return `The sandbox runner is not reachable at ${url} — is it running? (\`npm start\` starts it)`;
}

export function refusedMessage(url: string, origin: string): string {
  return `The sandbox runner at ${url} is running but refused this page. Its APP_ORIGINS must include ${origin}, and it must share STAGECRAFT_SECRET with the web app.`;
}

/**
 * A WebSocket that never opened says nothing about why. A `no-cors` request to the runner's
 * `/health` tells "nobody listens" (the fetch rejects) from "it answered and refused the upgrade"
 * (an opaque response): a wrong APP_ORIGINS or secret, which an operator should be told plainly.
 */
async function runnerAnswers(wsBase: string): Promise<boolean> {
  const httpBase = wsBase.replace(/^ws(s?):/, "http$1:").replace(/\/+$/, "");
  try {
    await fetch(`${httpBase}/health`, { mode: "no-cors", cache: "no-store" });
    return true;
  } catch {
    return false;
  }
}

export type RunnerCallbacks = {
  /** Every accepted frame of the current run, in order (the terminal renders step/log frames). */
  onFrame(message: ServerMessage): void;
};

export function useRunner(exerciseId: string, callbacks: RunnerCallbacks) {
  const [view, dispatch] = useReducer(runReducer, idleRun);
  const socket = useRef<WebSocket | null>(null);
  // The reducer's view lags one render behind the socket; frames are filtered against this ref.
  const live = useRef<RunView>(idleRun);
  const onFrame = useRef(callbacks.onFrame);
  onFrame.current = callbacks.onFrame;

  const step = useCallback((event: Parameters<typeof runReducer>[1]) => {
    live.current = runReducer(live.current, event);
    dispatch(event);
  }, []);

  useEffect(() => () => socket.current?.close(), []);

  const start = useCallback(
    async (dockerfile: string) => {
      if (isBusy(live.current)) return;
      // The runner would refuse it anyway; saying so here keeps the socket (and the page) out of it.
      const tooLarge = oversizeDockerfileMessage(dockerfile);
      if (tooLarge) return step({ type: "refused", code: "dockerfile_too_large", message: tooLarge });
      const runId = crypto.randomUUID();
      step({ type: "start", runId });

      let base: string;
      let token: string;
      try {
        const res = await fetch("/api/runner-token", { cache: "no-store" });
        const body: unknown = await res.json().catch(() => null);
        if (!res.ok) {
          const parsed = TokenError.safeParse(body);
          throw new Error(parsed.success ? parsed.data.error : `the app answered HTTP ${res.status}`);
        }
        ({ token, url: base } = TokenResponse.parse(body));
      } catch (err) {
        const detail = err instanceof Error ? err.message : String(err);
        step({ type: "unreachable", code: "token_failed", message: `Could not get a runner token: ${detail}` });
        return;
      }
      if (live.current.runId !== runId) return;

      let ws: WebSocket;
      try {
        ws = new WebSocket(`${base.replace(/\/+$/, "")}/ws?token=${encodeURIComponent(token)}`);
      } catch {
        step({ type: "unreachable", code: "runner_unreachable", message: unreachableMessage(base) });
        return;
      }
      socket.current = ws;
      let opened = false;

      ws.onopen = () => {
        opened = true;
        const msg: ClientMessage = { type: "start", runId, exerciseId, files: { Dockerfile: dockerfile } };
        ws.send(JSON.stringify(msg));
      };
      ws.onmessage = (event) => {
        if (typeof event.data !== "string") return; // the protocol is text frames only
        const parsed = parseServerMessage(event.data);
        if (!parsed.ok) {
          // A malformed frame must not break the page; the run goes on (or times out) without it.
          console.warn("ignored runner frame:", parsed.error);
          return;
        }
        const message = parsed.value;
        if (!isCurrent(live.current, message)) return; // stale output from an earlier run
        onFrame.current(message);
        step({ type: "frame", message });
        if (!isBusy(live.current)) ws.close(1000, "run finished");
      };
      ws.onclose = (event) => {
        if (socket.current === ws) socket.current = null;
        if (live.current.runId !== runId) return;
        if (opened) return step({ type: "closed", code: event.code });
        void runnerAnswers(base).then((answers) => {
          if (live.current.runId !== runId) return;
          const message = answers ? refusedMessage(base, window.location.origin) : unreachableMessage(base);
          step({ type: "unreachable", code: "runner_unreachable", message });
        });
      };
    },
    [exerciseId, step],
  );

  const cancel = useCallback(() => {
    const runId = live.current.runId;
    const ws = socket.current;
    if (!runId || !ws || ws.readyState !== WebSocket.OPEN || !isBusy(live.current)) return;
    const msg: ClientMessage = { type: "cancel", runId };
    ws.send(JSON.stringify(msg));
  }, []);

  return { view, start, cancel };
}
