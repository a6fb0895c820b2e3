/**
 * What the figures were measured on: they mean little without the machine, and on a shared
 * machine the load average says how busy it was while the bench ran.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import os from "node:os";
import { promisify } from "node:util";
import type { Docker } from "../../sandbox-runner/src/engine";

export type Machine = {
  cpus: number;
  cpuModel: string;
  memoryGiB: number;
  /** 1, 5 and 15 minute load averages when the bench started and ended. */
  loadAtStart: number[];
  loadAtEnd?: number[];
  kernel: string;
  node: string;
  docker: { version: string; apiVersion: string; storageDriver: string; cgroup: string };
  /** What BuildKit's parent cgroup holds (the bench leaves it as it finds it). */
  buildCgroup: string;
  commit: string;
};

export async function describeMachine(docker: Docker): Promise<Machine> {
  const [version, info, commit, buildCgroup] = await Promise.all([
    docker.version() as Promise<{ Version?: string; ApiVersion?: string }>,
    docker.info() as Promise<{ Driver?: string; CgroupVersion?: string; CgroupDriver?: string }>,
    promisify(execFile)("git", ["rev-parse", "--short", "HEAD"]).then((r) => r.stdout.trim(), () => "unknown"),
    buildCgroupCaps(),
  ]);
  return {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model.trim() ?? "unknown",
    memoryGiB: Math.round((os.totalmem() / 1024 ** 3) * 10) / 10,
    loadAtStart: loadAverage(),
    kernel: os.release(),
    node: process.version,
    docker: {
      version: version.Version ?? "unknown",
      apiVersion: version.ApiVersion ?? "unknown",
      storageDriver: info.Driver ?? "unknown",
      cgroup: `v${info.CgroupVersion ?? "?"} (${info.CgroupDriver ?? "?"})`,
    },
    buildCgroup,
    commit,
  };
}

export const loadAverage = () => os.loadavg().map((l) => Math.round(l * 100) / 100);

/** cgroup v1 caps on docker/buildkit, e.g. `memory 1.5 GiB, pids 512, cpu 1`; "unknown" elsewhere. */
async function buildCgroupCaps(): Promise<string> {
  const read = (file: string) => readFile(`/sys/fs/cgroup/${file}`, "utf8").then((s) => s.trim(), () => null);
  const [mem, pids, quota, period] = await Promise.all([
    read("memory/docker/buildkit/memory.limit_in_bytes"),
    read("pids/docker/buildkit/pids.max"),
    read("cpu/docker/buildkit/cpu.cfs_quota_us"),
    read("cpu/docker/buildkit/cpu.cfs_period_us"),
  ]);
  if (mem === null && pids === null && quota === null) return "unknown (no cgroup v1 docker/buildkit)";
  const memory = mem === null ? "?" : Number(mem) > 2 ** 60 ? "unlimited" : `${(Number(mem) / 1024 ** 3).toFixed(2)} GiB`;
  const cpu = quota === null || Number(quota) < 0 ? "unlimited" : (Number(quota) / Number(period ?? 100_000)).toFixed(2);
  return `memory ${memory}, pids ${pids ?? "?"}, cpu ${cpu}`;
}

export function machineLine(m: Machine): string {
  const load = (l: number[] | undefined) => (l ? l.join(" / ") : "—");
  return [
    `${m.cpus} × ${m.cpuModel}, ${m.memoryGiB} GiB RAM, Linux ${m.kernel}, Node ${m.node}`,
    `Docker ${m.docker.version} (API ${m.docker.apiVersion}, ${m.docker.storageDriver}, cgroup ${m.docker.cgroup}); build cgroup: ${m.buildCgroup}`,
    `load average (1/5/15 min) at start ${load(m.loadAtStart)}, at end ${load(m.loadAtEnd)}; commit ${m.commit}`,
  ].join("\n");
}
