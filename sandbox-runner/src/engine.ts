/**
 * The one place the runner opens a Docker engine connection. Everything else receives the
 * `Docker` instance, so tests and the service share the same construction rules.
 */
import Docker from "dockerode";

export type { default as Docker } from "dockerode";

/** A client for the engine behind a unix socket (e.g. `/var/run/docker.sock`). */
export function createDocker(socketPath: string): Docker {
  // No host/port/TLS options: the runner only ever talks to a local socket, and no registry
  // credentials are configured anywhere on this client (DESIGN.md §4, "secrets").
  return new Docker({ socketPath });
}

/** True when the engine answers `GET /_ping` within `timeoutMs`. Never throws. */
export async function pingEngine(docker: Docker, timeoutMs = 3_000): Promise<boolean> {
  const timeout = new Promise<false>((resolve) => {
    const t = setTimeout(() => resolve(false), timeoutMs);
    t.unref();
  });
  const ping = docker.ping().then(
    (body: unknown) => String(body).trim() === "OK",
    () => false,
  );
  return Promise.race([ping, timeout]);
}

/** Socket-level failures that mean "no engine there", as opposed to an engine saying no. */
export function isEngineDown(err: unknown): boolean {
  const { code, syscall } = (err ?? {}) as { code?: unknown; syscall?: unknown };
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || code === "EPIPE") return true;
  // ENOENT and EACCES mean "no socket there" only when connecting: the same codes from a file
  // read (a context file that vanished mid-edit) are not the engine's fault.
  return (code === "ENOENT" || code === "EACCES") && syscall === "connect";
}

export const ENGINE_LOST_MESSAGE =
  "The Docker engine stopped or restarted during your build, so it could not finish. Nothing is wrong with your Dockerfile; run it again in a minute.";

export const ENGINE_DOWN_MESSAGE =
  "The Docker engine is not reachable right now, so nothing was built. Try again in a minute; if it keeps happening, tell the course staff.";
