/**
 * Runs a learner's image as a short-lived, locked-down container (DESIGN.md §3, §4): no network,
 * read-only root, every capability dropped, memory/pids/CPU capped, a wall-clock timeout and a
 * cap on captured output; or keeps one running while a check talks to it (`withService`). The
 * container is always removed, whatever happens.
 */
import { randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import type Docker from "dockerode";
import { formatBytes } from "../../lib/report";
import { SANDBOX_LIMITS } from "./limits";

/** Every container the runner creates carries this label, so leftovers can be found. */
export const RUN_LABEL = "stagecraft.run";

export type ContainerRunResult = {
  /** Null when the container never ran to an exit of its own (timed out or failed to start). */
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** The kernel killed it for exceeding `SANDBOX_LIMITS.container.memoryBytes`. */
  oomKilled: boolean;
  /** Still running at `timeoutMs`, so the runner killed it. */
  timedOut: boolean;
  /**
   * The engine created the container but could not start its command (missing binary, bad
   * entrypoint, unknown USER). That is the image's fault, so callers grade it, not crash on it.
   */
  startError?: string;
};

/** How a sandbox container may differ from the default; nothing here loosens a limit. */
export type SandboxOptions = {
  /** Writable tmpfs mounts, each capped at `tmpfsSize`. @default ["/tmp"] */
  tmpfs?: readonly string[];
  /**
   * Join this container's network namespace (its loopback only) instead of having none: how a
   * probe reaches an app that itself has no network (DESIGN.md §3).
   */
  networkOf?: string;
};

/** The strict HostConfig every check container gets. Exported so tests can assert it. */
export function sandboxHostConfig(opts: SandboxOptions = {}): Docker.HostConfig {
  const limits = SANDBOX_LIMITS.container;
  const tmpfs = opts.tmpfs ?? ["/tmp"];
  return {
    Memory: limits.memoryBytes,
    // Equal to Memory: no swap on top, so a memory bomb is OOM-killed instead of thrashing.
    MemorySwap: limits.memoryBytes,
    NanoCpus: limits.nanoCpus,
    PidsLimit: limits.pids,
    ReadonlyRootfs: true,
    CapDrop: ["ALL"],
    SecurityOpt: ["no-new-privileges"],
    NetworkMode: opts.networkOf ? `container:${opts.networkOf}` : "none",
    // Programs that need scratch space get a small tmpfs; it counts against the memory cap.
    Tmpfs: Object.fromEntries(tmpfs.map((path) => [path, `rw,nosuid,nodev,size=${limits.tmpfsSize}`])),
    Privileged: false,
    // We read State (exit code, OOMKilled) after exit, so the engine must not delete it first.
    AutoRemove: false,
  };
}

/**
 * Creates (does not start) a labelled sandbox container. `cmd` overrides the image's CMD and
 * keeps its ENTRYPOINT, like `docker run image cmd…`.
 */
export async function createSandboxContainer(
  docker: Docker,
  image: string,
  opts: SandboxOptions & {
    cmd?: string[];
    purpose: "run" | "inspect" | "probe";
    /** Replaces the image's HEALTHCHECK settings for this container. */
    healthcheck?: Docker.HealthConfig;
    /** Extra labels, e.g. which image a probe container serves. */
    labels?: Record<string, string>;
  },
): Promise<Docker.Container> {
  return docker.createContainer({
    Image: image,
    ...(opts.cmd ? { Cmd: opts.cmd } : {}),
    ...(opts.healthcheck ? { Healthcheck: opts.healthcheck } : {}),
    Labels: { ...opts.labels, [RUN_LABEL]: randomUUID(), "stagecraft.purpose": opts.purpose },
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    // NetworkDisabled wins over `container:<id>` (verified: the probe silently got an empty
    // namespace of its own), so a container joining another's network must not set it.
    NetworkDisabled: !opts.networkOf,
    HostConfig: sandboxHostConfig(opts),
  });
}

/**
 * Force-removes a container and its anonymous volumes. Already gone (404) or already being
 * removed by someone else (409, e.g. a start-up cleanup) is fine.
 */
export async function removeContainer(container: Docker.Container): Promise<void> {
  try {
    await container.remove({ force: true, v: true });
  } catch (err) {
    const status = statusOf(err);
    if (status !== 404 && !(status === 409 && /already in progress/i.test(engineMessage(err)))) throw err;
  }
}

/**
 * Removes every labelled container on the engine, running or not; returns how many. Meant for
 * start-up, when any such container is a leftover: assumes one runner per engine, since another
 * live runner's check containers would be removed too. `image` narrows it to one image's
 * containers and `label` (`key=value`) to those also carrying that label (tests and scoped
 * sweeps share an engine with other runners).
 */
export async function removeLeftoverContainers(docker: Docker, opts: { image?: string; label?: string } = {}): Promise<number> {
  const filters = { label: [RUN_LABEL, ...(opts.label ? [opts.label] : [])], ...(opts.image && { ancestor: [opts.image] }) };
  const leftovers = await docker.listContainers({ all: true, filters });
  for (const info of leftovers) await removeContainer(docker.getContainer(info.Id));
  return leftovers.length;
}

export async function runContainer(
  docker: Docker,
  image: string,
  opts: { cmd?: string[]; timeoutMs: number },
): Promise<ContainerRunResult> {
  return withService(
    docker,
    image,
    { ...(opts.cmd && { cmd: opts.cmd }) },
    async (service) => {
      // SIGKILL at the deadline: a hanging program gets no grace period. The kill fails with 409
      // when the program exited on its own just before it, and then the run did not time out. Any
      // other failure (the engine answers 500 when it is slow to see the exit) comes after its own
      // "is it running?" check, so the program was still running at the deadline: a timeout.
      let killed: Promise<boolean> | undefined;
      const timer = setTimeout(() => {
        killed = service.container.kill().then(
          () => true,
          (err: unknown) => statusOf(err) !== 409,
        );
      }, opts.timeoutMs);
      let exit: ServiceExit;
      try {
        exit = await service.exited;
      } finally {
        clearTimeout(timer);
      }
      const timedOut = (await killed) ?? false;
      const output = service.output();
      return { exitCode: timedOut ? null : exit.exitCode, ...output, oomKilled: exit.oomKilled, timedOut };
    },
    notStarted,
  );
}

/** How a service ended by itself. */
export type ServiceExit = {
  exitCode: number;
  /** The kernel killed it for exceeding `SANDBOX_LIMITS.container.memoryBytes`. */
  oomKilled: boolean;
  /** Milliseconds from start to exit. */
  afterMs: number;
};

/** A program left running in the sandbox (a server) while a check talks to it. */
export type RunningService = {
  container: Docker.Container;
  /** `Date.now()` when the engine started it. */
  startedAt: number;
  /** Settles when the program exits by itself; rejects only if the engine fails while waiting. */
  exited: Promise<ServiceExit>;
  /** The exit, once it happened; null while it runs. */
  exit(): ServiceExit | null;
  /** stdout and stderr so far, capped like `runContainer`'s. */
  output(): { stdout: string; stderr: string };
};

/**
 * Starts the image as a long-running sandbox container, hands it to `use`, and removes it when
 * `use` settles, whatever happens (the start-up sweep finds it by its label if the runner dies
 * first). A command the image cannot start is the image's fault: `notStarted` turns it into the
 * caller's verdict.
 */
export async function withService<T>(
  docker: Docker,
  image: string,
  opts: SandboxOptions & { cmd?: string[]; healthcheck?: Docker.HealthConfig },
  use: (service: RunningService) => Promise<T>,
  notStarted: (startError: string) => T,
): Promise<T> {
  let container: Docker.Container;
  try {
    container = await createSandboxContainer(docker, image, { ...opts, purpose: "run" });
  } catch (err) {
    // 400 on create is the image's doing, e.g. "No command specified" for an image without CMD.
    if (statusOf(err) !== 400) throw err;
    return notStarted(engineMessage(err));
  }
  let stream: NodeJS.ReadWriteStream | undefined;
  let removing = false;
  try {
    // Attach before start so not a byte of early output is lost.
    stream = await container.attach({ stream: true, stdout: true, stderr: true });
    const capture = createOutputCapture(SANDBOX_LIMITS.container.outputCapBytes);
    const streamDone = new Promise<void>((resolve) => {
      stream?.on("end", resolve).on("close", resolve).on("error", () => resolve());
    });
    docker.modem.demuxStream(stream, capture.stdout, capture.stderr);
    try {
      await container.start();
    } catch (err) {
      if (!isStartFailure(err)) throw err;
      return notStarted(engineMessage(err));
    }
    const startedAt = Date.now();
    let exit: ServiceExit | null = null;
    const exited = container
      .wait()
      .then(async () => {
        const state = (await container.inspect()).State;
        await Promise.race([streamDone, delay(2_000)]); // the last bytes of stderr explain the exit
        exit = { exitCode: state.ExitCode, oomKilled: state.OOMKilled, afterMs: Date.now() - startedAt };
        return exit;
      })
      // Our own removal ends the wait (or the inspect after it); that is no exit to report.
      .catch((err: unknown) => (removing ? new Promise<never>(() => undefined) : Promise.reject(err)));
    exited.catch(() => undefined); // observed by whoever awaits it; never an unhandled rejection
    return await use({ container, startedAt, exited, exit: () => exit, output: capture.result });
  } finally {
    removing = true;
    (stream as unknown as { destroy?: () => void } | undefined)?.destroy?.();
    await removeContainer(container);
  }
}

function notStarted(startError: string): ContainerRunResult {
  return { exitCode: null, stdout: "", stderr: "", oomKilled: false, timedOut: false, startError };
}

/**
 * Collects stdout and stderr up to a shared byte budget. Beyond it bytes are still read (so the
 * program never blocks on a full pipe and its exit code stays meaningful) but dropped, and the
 * stream that overflowed ends with a note.
 */
export function createOutputCapture(capBytes: number) {
  let used = 0;
  const chunks = { stdout: [] as Buffer[], stderr: [] as Buffer[] };
  const truncated = { stdout: false, stderr: false };
  const sink = (name: "stdout" | "stderr") =>
    new Writable({
      write(chunk: Buffer, _encoding, callback) {
        const room = capBytes - used;
        if (chunk.length > room) truncated[name] = true;
        const kept = chunk.length > room ? chunk.subarray(0, Math.max(room, 0)) : chunk;
        if (kept.length > 0) chunks[name].push(Buffer.from(kept));
        used += kept.length;
        callback();
      },
    });
  const text = (name: "stdout" | "stderr") =>
    Buffer.concat(chunks[name]).toString("utf8") +
    (truncated[name] ? `\n[output truncated: only the first ${formatBytes(capBytes)} are kept]\n` : "");
  return {
    stdout: sink("stdout"),
    stderr: sink("stderr"),
    result: () => ({ stdout: text("stdout"), stderr: text("stderr") }),
  };
}

/** The HTTP status docker-modem attaches to engine errors, if any. */
export function statusOf(err: unknown): number | undefined {
  const code = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === "number" ? code : undefined;
}

/** The engine's own words from a docker-modem error, without the "(HTTP code 400) …" wrapper. */
export function engineMessage(err: unknown): string {
  const json = (err as { json?: unknown } | null)?.json;
  if (json && typeof json === "object" && "message" in json && typeof json.message === "string") {
    return json.message.trim();
  }
  return err instanceof Error ? err.message.trim() : String(err);
}

/** Start failures caused by the image (OCI runtime could not exec, unknown user), not the engine. */
function isStartFailure(err: unknown): boolean {
  return statusOf(err) === 400 || /OCI runtime|executable file not found|no such file|unable to find user/i.test(engineMessage(err));
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
