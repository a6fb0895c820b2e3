/**
 * Probing an app over HTTP while it has no network (DESIGN.md §3): a probe container from the
 * catalog's BusyBox joins the app's network namespace (`NetworkMode: container:<id>`) and runs
 * BusyBox wget against 127.0.0.1, once per attempt, through `exec`. The probe is as locked down as
 * the app, labelled like every run container, and always removed before the app.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type Docker from "dockerode";
import { createOutputCapture, createSandboxContainer, removeContainer, statusOf, type RunningService, type ServiceExit } from "../container-run";
import { SANDBOX_LIMITS } from "../limits";

export const PROBE_IMAGE = "stagecraft/busybox:1.35";
/** Label on a probe container: the image it probes (lets tests and people find it). */
export const PROBE_OF_LABEL = "stagecraft.probe-of";

/**
 * One request's limit. BusyBox 1.35's own `wget -T` crashes (exit 139, verified on our sandbox),
 * so the probe wraps wget in `timeout`, which ends it with SIGTERM (exit 143).
 */
const ATTEMPT_TIMEOUT_S = 3;
/** The probe ends itself after this even if the runner never gets to remove it; longer than any check. */
const PROBE_LIFETIME_S = 180;
/** Pause between attempts: fast enough that a server is seen within a quarter second of listening. */
const POLL_INTERVAL_MS = 250;

export type Answered = { kind: "answered"; status: number; reason: string; body: string };
export type HttpAttempt = Answered | { kind: "refused" } | { kind: "no-answer" } | { kind: "failed"; message: string };
export type HttpProbe = { get(port: number, path: string): Promise<HttpAttempt> };

export async function withHttpProbe<T>(docker: Docker, service: RunningService, appImage: string, use: (probe: HttpProbe) => Promise<T>): Promise<T> {
  let probe: Docker.Container;
  try {
    probe = await createSandboxContainer(docker, PROBE_IMAGE, {
      cmd: ["sleep", String(PROBE_LIFETIME_S)],
      purpose: "probe",
      networkOf: service.container.id,
      labels: { [PROBE_OF_LABEL]: appImage },
    });
  } catch (err) {
    if (statusOf(err) === 404) throw new Error(`the probe image ${PROBE_IMAGE} is missing on this engine (npm run images:prepare makes it)`);
    throw err;
  }
  try {
    try {
      await probe.start();
    } catch (err) {
      // Joining a namespace fails when the app has already exited; the caller reports that exit.
      if (!(await exitedWithin(service, 2_000))) throw err;
      return await use({ get: async () => ({ kind: "failed", message: "the app is not running" }) });
    }
    return await use({ get: (port, path) => attempt(docker, probe, port, path) });
  } finally {
    await removeContainer(probe);
  }
}

export type PollResult =
  | { kind: "accepted"; attempt: Answered; afterMs: number }
  | { kind: "exited"; exit: ServiceExit }
  | { kind: "gave-up"; last: HttpAttempt; afterMs: number };

/**
 * GETs `path` until `accept` likes an answer, the app exits, or `deadline` (a `Date.now()` time)
 * passes. An answer that is not accepted ends the wait after `settleMs` of such answers: an app
 * that keeps answering 404 will not change its mind, and a failing starter should fail promptly.
 */
export async function pollHttp(
  probe: HttpProbe,
  service: RunningService,
  opts: { port: number; path: string; deadline: number; accept: (answer: Answered) => boolean; settleMs: number },
): Promise<PollResult> {
  let firstRejectedAt: number | null = null;
  for (;;) {
    const before = service.exit();
    if (before) return { kind: "exited", exit: before };
    const last = await probe.get(opts.port, opts.path);
    const now = Date.now();
    const afterMs = now - service.startedAt;
    if (last.kind === "answered" && opts.accept(last)) return { kind: "accepted", attempt: last, afterMs };
    const exit = service.exit();
    if (exit) return { kind: "exited", exit };
    if (last.kind === "answered") firstRejectedAt ??= now;
    if (now >= opts.deadline || (firstRejectedAt !== null && now - firstRejectedAt >= opts.settleMs)) return { kind: "gave-up", last, afterMs };
    await Promise.race([sleep(POLL_INTERVAL_MS), service.exited]);
  }
}

async function attempt(docker: Docker, probe: Docker.Container, port: number, path: string): Promise<HttpAttempt> {
  const url = `http://127.0.0.1:${port}${path}`;
  const cmd = ["timeout", String(ATTEMPT_TIMEOUT_S), "wget", "-S", "-O", "-", url];
  return parseWgetOutput(await execIn(docker, probe, cmd, (ATTEMPT_TIMEOUT_S + 2) * 1000));
}

/** Runs `cmd` in a running container; exit code null when it did not finish within `timeoutMs`. */
async function execIn(docker: Docker, container: Docker.Container, cmd: string[], timeoutMs: number) {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = (await exec.start({ hijack: true, stdin: false })) as NodeJS.ReadWriteStream & { destroy(): void };
  const capture = createOutputCapture(SANDBOX_LIMITS.container.outputCapBytes);
  docker.modem.demuxStream(stream, capture.stdout, capture.stderr);
  const timer = new AbortController();
  const finished = await Promise.race([
    new Promise<boolean>((resolve) => stream.on("end", () => resolve(true)).on("close", () => resolve(true)).on("error", () => resolve(true))),
    sleep(timeoutMs, false, { signal: timer.signal }).catch(() => false),
  ]);
  timer.abort();
  stream.destroy();
  const exitCode = finished ? ((await exec.inspect()).ExitCode ?? null) : null;
  return { exitCode, ...capture.result() };
}

/**
 * What one `wget -S -O - URL` run says. `-S` prints the status line(s) on stderr (the last one
 * counts, after redirects); BusyBox wget prints no body for an error status.
 */
export function parseWgetOutput(run: { exitCode: number | null; stdout: string; stderr: string }): HttpAttempt {
  const status = [...run.stderr.matchAll(/^\s*HTTP\/[\d.]+\s+(\d{3})[ \t]*(.*)$/gm)].at(-1);
  if (status) return { kind: "answered", status: Number(status[1]), reason: (status[2] ?? "").trim(), body: run.exitCode === 0 ? run.stdout : "" };
  if (/connection refused/i.test(run.stderr)) return { kind: "refused" };
  if (run.exitCode === null || run.exitCode === 143) return { kind: "no-answer" };
  const said = run.stderr
    .split("\n")
    .map((line) => line.trim())
    .filter((line) => line.startsWith("wget: "))
    .at(-1);
  return { kind: "failed", message: said?.slice("wget: ".length) ?? `wget exited with code ${run.exitCode}` };
}

/** Whether the service exits within `ms` (it may already have). */
async function exitedWithin(service: RunningService, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([service.exited.then(() => true), sleep(ms, false, { signal: timer.signal })]);
  } finally {
    timer.abort();
  }
}
