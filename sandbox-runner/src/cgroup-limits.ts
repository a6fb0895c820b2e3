/**
 * Caps on BuildKit's parent cgroup.
 *
 * With BuildKit, the `/build` parameters `memory`, `cpu*`, … are ignored (DESIGN.md §3). Each RUN
 * step runs in `<daemon cgroup parent>/buildkit/<id>`; on this engine that is `/docker/buildkit`
 * (seen from a build with `RUN cat /proc/self/cgroup`). Limits written on that parent hold for
 * every step of every build: an aggregate cap, which one build slot per engine
 * (SANDBOX_LIMITS.queue.buildSlots) turns into a per-build cap.
 *
 * The parent may only appear after the first build, so it is created when missing. Every limit is
 * reported as enforced or not, with the reason, for `/health` and the README table.
 */
import { access, mkdir, readdir, readFile, rmdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { SANDBOX_LIMITS } from "./limits";

export type LimitReport = { limit: "memory" | "pids" | "cpu"; enforced: boolean; value?: number; reason?: string };

export type BuildCgroupCaps = {
  /** Bytes of memory (and memory+swap where the kernel accounts swap). */
  memoryBytes: number;
  /** Processes and threads together. */
  pids: number;
  /** CPU cores, fractional allowed (CFS quota). */
  cpus: number;
};

export type CgroupOptions = {
  /** cgroupfs mount point. @default "/sys/fs/cgroup" */
  root?: string;
  /** BuildKit's parent cgroup relative to each hierarchy. @default "docker/buildkit" */
  parent?: string;
};

/**
 * Writes the caps (SANDBOX_LIMITS.buildCgroup, with `override` taking precedence per field).
 * Never throws: a limit that cannot be written comes back `enforced: false` with a reason.
 */
export async function applyBuildCgroupLimits(
  override: Partial<BuildCgroupCaps> = {},
  options: CgroupOptions = {},
): Promise<LimitReport[]> {
  const caps: BuildCgroupCaps = { ...SANDBOX_LIMITS.buildCgroup, ...override };
  const root = options.root ?? "/sys/fs/cgroup";
  const parent = options.parent ?? "docker/buildkit";
  if (await exists(path.join(root, "memory"))) return applyV1(caps, root, parent);
  if (await exists(path.join(root, "cgroup.controllers"))) return applyV2(caps, root, parent);
  const reason = `no cgroup filesystem found at ${root}`;
  return (["memory", "pids", "cpu"] as const).map((limit) => ({ limit, enforced: false, reason }));
}

async function applyV1(caps: BuildCgroupCaps, root: string, parent: string): Promise<LimitReport[]> {
  const memory = attempt("memory", caps.memoryBytes, async () => {
    const dir = await ensureDir(path.join(root, "memory", parent));
    const limitFile = path.join(dir, "memory.limit_in_bytes");
    const swapFile = path.join(dir, "memory.memsw.limit_in_bytes");
    if (!(await exists(swapFile))) return writeValue(limitFile, caps.memoryBytes);
    // The kernel requires memsw >= memory at every moment: raise memsw first, lower it last.
    const current = Number((await readFile(limitFile, "utf8")).trim());
    if (caps.memoryBytes > current) {
      await writeValue(swapFile, caps.memoryBytes);
      await writeValue(limitFile, caps.memoryBytes);
    } else {
      await writeValue(limitFile, caps.memoryBytes);
      await writeValue(swapFile, caps.memoryBytes);
    }
  });
  const pids = attempt("pids", caps.pids, async () => {
    const dir = await ensureDir(path.join(root, "pids", parent));
    await writeValue(path.join(dir, "pids.max"), caps.pids);
  });
  const cpu = attempt("cpu", caps.cpus, async () => {
    const dir = await ensureDir(path.join(root, "cpu", parent));
    const period = Number((await readFile(path.join(dir, "cpu.cfs_period_us"), "utf8")).trim()) || 100_000;
    await writeValue(path.join(dir, "cpu.cfs_quota_us"), Math.round(period * caps.cpus));
  });
  return Promise.all([memory, pids, cpu]);
}

async function applyV2(caps: BuildCgroupCaps, root: string, parent: string): Promise<LimitReport[]> {
  const dir = path.join(root, parent);
  const memory = attempt("memory", caps.memoryBytes, async () => {
    await ensureDir(dir);
    await writeValue(path.join(dir, "memory.max"), caps.memoryBytes);
    // Without this, a memory bomb would swap instead of being killed.
    if (await exists(path.join(dir, "memory.swap.max"))) await writeValue(path.join(dir, "memory.swap.max"), 0);
  });
  const pids = attempt("pids", caps.pids, async () => {
    await ensureDir(dir);
    await writeValue(path.join(dir, "pids.max"), caps.pids);
  });
  const cpu = attempt("cpu", caps.cpus, async () => {
    await ensureDir(dir);
    const period = 100_000;
    await writeFile(path.join(dir, "cpu.max"), `${Math.round(period * caps.cpus)} ${period}`);
  });
  return Promise.all([memory, pids, cpu]);
}

async function attempt(limit: LimitReport["limit"], value: number, write: () => Promise<void>): Promise<LimitReport> {
  try {
    await write();
    return { limit, enforced: true, value };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    const where = e.path ? ` (${e.path})` : "";
    return { limit, enforced: false, value, reason: `${e.code ?? "error"}: ${e.message.split("\n")[0]}${where}` };
  }
}

async function ensureDir(dir: string): Promise<string> {
  // In cgroupfs, mkdir creates a child cgroup that inherits nothing but the hierarchy.
  await mkdir(dir, { recursive: true });
  return dir;
}

async function writeValue(file: string, value: number): Promise<void> {
  // Writing a missing control file would create a plain file on a normal filesystem; on cgroupfs
  // it fails, but check first so a misconfigured root reports "not enforced" instead of lying.
  await access(file);
  await writeFile(file, String(value));
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}

/**
 * Ends the processes still inside BuildKit's step cgroups (`<parent>/<step id>`) and removes the
 * emptied step cgroups; returns how many processes it killed. A RUN step's processes outlive an
 * engine that stops mid-build (verified on 20.10: after `dockerd` got SIGTERM, the step's `sleep`
 * went on running, re-parented to init, and the restarted engine never ended it). Call it only
 * when no build is running on the engine: every step cgroup is then a leftover.
 */
export async function killOrphanedBuildSteps(options: CgroupOptions = {}): Promise<number> {
  const root = options.root ?? "/sys/fs/cgroup";
  const parent = options.parent ?? "docker/buildkit";
  const v1 = await exists(path.join(root, "memory"));
  const hierarchies = v1 ? (await readdir(root)).map((c) => path.join(root, c, parent)) : [path.join(root, parent)];
  const procsDir = v1 ? path.join(root, "pids", parent) : path.join(root, parent);
  const steps = await readdir(procsDir, { withFileTypes: true }).then(
    (entries) => entries.filter((e) => e.isDirectory()).map((e) => e.name),
    () => [] as string[],
  );
  let killed = 0;
  for (const step of steps) {
    const procs = await readFile(path.join(procsDir, step, "cgroup.procs"), "utf8").catch(() => "");
    for (const pid of procs.split("\n").map(Number).filter((n) => n > 0)) {
      try {
        process.kill(pid, "SIGKILL");
        killed += 1;
      } catch {
        // already gone
      }
    }
  }
  // The kernel refuses to remove a cgroup until its last process is reaped: give it a moment.
  for (let attempt = 0; attempt < 20; attempt += 1) {
    let left = 0;
    for (const hierarchy of hierarchies) {
      for (const step of steps) {
        await rmdir(path.join(hierarchy, step)).catch((err: NodeJS.ErrnoException) => {
          if (err.code !== "ENOENT") left += 1;
        });
      }
    }
    if (left === 0) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return killed;
}
