/** Runs a host command for a trusted image build, line by line. */
import { spawn } from "node:child_process";
import { access, constants } from "node:fs/promises";
import path from "node:path";

/** Where a program lives, looking in sbin too: a non-root PATH often lacks /usr/sbin (debootstrap). */
export async function findProgram(name: string): Promise<string | null> {
  const dirs = [...(process.env.PATH ?? "").split(path.delimiter), "/usr/local/sbin", "/usr/sbin", "/sbin"];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = path.join(dir, name);
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return null;
}

/** Splits a byte stream into lines for `onLine` (the last partial line on end). */
export function forEachLine(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split("\n");
    buffered = lines.pop() ?? "";
    for (const line of lines) onLine(line.replace(/\r$/, ""));
  });
  stream.on("end", () => {
    if (buffered !== "") onLine(buffered);
  });
}

/**
 * Runs `program args`, passing every output line to `onLine` (callers keep what they need for
 * error messages). Rejects when it exits non-zero, is killed, or `signal` aborts it.
 */
export function runCommand(
  program: string,
  args: string[],
  opts: { onLine: (line: string) => void; signal?: AbortSignal },
): Promise<void> {
  return new Promise((resolve, reject) => {
    // Its own process group, so an abort stops the whole tree (sh → debootstrap → chroot → dpkg),
    // not just the first process.
    const child = spawn(program, args, { stdio: ["ignore", "pipe", "pipe"], detached: true });
    const stop = () => {
      if (child.pid !== undefined && child.exitCode === null) {
        try {
          process.kill(-child.pid, "SIGTERM");
        } catch {
          // already gone
        }
      }
    };
    if (opts.signal?.aborted) stop();
    opts.signal?.addEventListener("abort", stop, { once: true });
    forEachLine(child.stdout, opts.onLine);
    forEachLine(child.stderr, opts.onLine);
    child.on("error", (err) => reject(err));
    child.on("close", (code, signalName) => {
      opts.signal?.removeEventListener("abort", stop);
      if (code === 0) return resolve();
      const how = code === null ? `was stopped (${signalName ?? "signal"})` : `exited with code ${code}`;
      const what = [program, args[0] ?? ""].map((a) => path.basename(a)).join(" ").trim();
      reject(new Error(`${what} ${how}`));
    });
  });
}
