/**
 * The base image without a registry: `rootfs.sh` (debootstrap) fills a temporary folder, which is
 * streamed as a tar into `POST /images/create?fromSrc=-` (what `docker import` does).
 */
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type Docker from "dockerode";
import { findProgram, runCommand } from "./command";
import { readEngineStream } from "./json-stream";
import { recipeDir, type Recipe } from "./recipes";

export type StepReporter = { step(text: string): void; output(text: string): void };

export const DEFAULT_DEBIAN_MIRROR = "http://deb.debian.org/debian";

/** Why this machine cannot run the rootfs recipe, phrased as what to do about it; null when it can. */
export async function rootfsPrerequisiteProblem(): Promise<string | null> {
  if (process.getuid?.() !== 0) {
    return "building the base image runs debootstrap, which needs root. Run it as root, e.g. `sudo npm run images:prepare` (the other images only need access to the Docker socket).";
  }
  if ((await findProgram("debootstrap")) === null) {
    return "debootstrap is not installed. Install the Debian package: `apt-get install debootstrap` (scripts/install-prereqs.sh does it).";
  }
  if ((await findProgram("tar")) === null) {
    return "tar is not installed. Install the Debian package: `apt-get install tar`.";
  }
  return null;
}

/** Image config `docker import` cannot take from a tar: what upstream debian images set. */
function importChanges(labels: Record<string, string>): string[] {
  return [
    "ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
    'CMD ["bash"]',
    ...Object.entries(labels).map(([key, value]) => `LABEL ${key}=${JSON.stringify(value)}`),
  ];
}

export async function buildRootfsImage(opts: {
  docker: Docker;
  recipe: Recipe;
  labels: Record<string, string>;
  mirror: string;
  report: StepReporter;
  signal?: AbortSignal;
}): Promise<void> {
  const { docker, recipe, report } = opts;
  // Under os.tmpdir() as asked; set TMPDIR elsewhere if /tmp is a small or nodev tmpfs.
  const work = await mkdtemp(path.join(os.tmpdir(), "stagecraft-rootfs-"));
  const rootfs = path.join(work, "rootfs");
  try {
    report.step(`debootstrap --variant=minbase bookworm from ${opts.mirror} into ${rootfs}`);
    await runCommand("sh", [path.join(recipeDir(recipe), "rootfs.sh"), rootfs, opts.mirror], {
      onLine: debootstrapCondenser(report).line,
      signal: opts.signal,
    });
    const [repo, tag] = splitRef(recipe.ref);
    report.step(`docker import as ${recipe.ref}`);
    const tar = spawn("tar", ["--numeric-owner", "-C", rootfs, "-c", "."], {
      stdio: ["ignore", "pipe", "pipe"],
      signal: opts.signal,
    });
    let tarErr = "";
    tar.stderr.on("data", (d: Buffer) => (tarErr += d.toString()));
    const tarDone = new Promise<void>((resolve, reject) => {
      tar.on("error", reject);
      tar.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`tar exited with ${code}: ${tarErr.trim()}`))));
    });
    const response = await docker.importImage(tar.stdout, {
      repo,
      tag,
      changes: importChanges(opts.labels),
      message: "stagecraft: debootstrap --variant=minbase bookworm (sandbox-runner/images/debian-bookworm-slim/rootfs.sh)",
      abortSignal: opts.signal,
    });
    await Promise.all([tarDone, readEngineStream(response, (l) => l.status && report.output(l.status))]);
  } finally {
    await removeWorkDir(work);
  }
}

/**
 * debootstrap prints ~460 lines ("I: Retrieving x", "I: Validating x", … per package). Every line
 * goes to `output`; `step` gets one line per phase so the default view shows progress, not noise.
 */
export function debootstrapCondenser(report: StepReporter) {
  const phases: Record<string, string> = {
    Retrieving: "downloading packages",
    Validating: "downloading packages",
    Extracting: "extracting packages",
    Installing: "installing core packages",
    Unpacking: "unpacking packages",
    Configuring: "configuring packages",
  };
  let phase: string | null = null;
  return {
    line(line: string) {
      report.output(line);
      const verb = /^I: (\S+)/.exec(line)?.[1];
      const next = verb === undefined ? null : (phases[verb] ?? null);
      if (next !== null && next === phase) return;
      phase = next;
      if (line.trim() !== "") report.step(`debootstrap: ${next ?? line.replace(/^I: /, "")}`);
    },
  };
}

/** A ref's repository and tag (`stagecraft/debian:bookworm-slim` → [`stagecraft/debian`, `bookworm-slim`]). */
export function splitRef(ref: string): [string, string] {
  const colon = ref.lastIndexOf(":");
  if (colon <= ref.lastIndexOf("/")) return [ref, "latest"];
  return [ref.slice(0, colon), ref.slice(colon + 1)];
}

/**
 * debootstrap mounts /proc and /sys inside the target and unmounts them when it finishes; if it was
 * interrupted they can still be there, and `rm -r` must not walk into them.
 */
async function removeWorkDir(work: string): Promise<void> {
  for (const mount of await mountsUnder(work)) {
    await runCommand("umount", ["-l", mount], { onLine: () => {} }).catch(() => {});
  }
  const left = await mountsUnder(work);
  if (left.length > 0) {
    // Never recurse into a mount (a bind-mounted /dev would lose the host's device nodes).
    throw new Error(`Could not unmount ${left.join(", ")}; remove ${work} by hand after unmounting.`);
  }
  await rm(work, { recursive: true, force: true });
}

async function mountsUnder(dir: string): Promise<string[]> {
  const table = await readFile("/proc/self/mounts", "utf8").catch(() => "");
  return table
    .split("\n")
    .map((line) => line.split(" ")[1]?.replace(/\\040/g, " "))
    .filter((m): m is string => m !== undefined && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
}
