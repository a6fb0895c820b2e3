// The real cgroupfs is exercised by cgroup-limits.engine.test.ts; here a directory laid out like
// one checks which files get written, in which order, and how failures are reported.
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { SANDBOX_LIMITS } from "./limits";
import { spawn } from "node:child_process";
import { applyBuildCgroupLimits, killOrphanedBuildSteps } from "./cgroup-limits";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(path.join(tmpdir(), "sc-cg-"));
});
afterEach(() => rm(root, { recursive: true, force: true }));

async function files(dir: string, entries: Record<string, string>) {
  await mkdir(dir, { recursive: true });
  for (const [name, value] of Object.entries(entries)) await writeFile(path.join(dir, name), value);
}
const read = (...p: string[]) => readFile(path.join(root, ...p), "utf8");

describe("applyBuildCgroupLimits (cgroup v1 layout)", () => {
  beforeEach(async () => {
    await files(path.join(root, "memory/docker/buildkit"), {
      "memory.limit_in_bytes": "9223372036854771712",
      "memory.memsw.limit_in_bytes": "9223372036854771712",
    });
    await files(path.join(root, "pids/docker/buildkit"), { "pids.max": "max" });
    await files(path.join(root, "cpu/docker/buildkit"), { "cpu.cfs_quota_us": "-1", "cpu.cfs_period_us": "100000" });
  });

  it("writes SANDBOX_LIMITS.buildCgroup by default", async () => {
    const report = await applyBuildCgroupLimits({}, { root });
    const caps = SANDBOX_LIMITS.buildCgroup;
    expect(report).toEqual([
      { limit: "memory", enforced: true, value: caps.memoryBytes },
      { limit: "pids", enforced: true, value: caps.pids },
      { limit: "cpu", enforced: true, value: caps.cpus },
    ]);
    expect(await read("memory/docker/buildkit/memory.limit_in_bytes")).toBe(String(caps.memoryBytes));
    expect(await read("memory/docker/buildkit/memory.memsw.limit_in_bytes")).toBe(String(caps.memoryBytes));
    expect(await read("pids/docker/buildkit/pids.max")).toBe(String(caps.pids));
    expect(await read("cpu/docker/buildkit/cpu.cfs_quota_us")).toBe(String(100_000 * caps.cpus));
  });

  it("lets a test override single caps", async () => {
    const report = await applyBuildCgroupLimits({ pids: 60, memoryBytes: 96 * 1024 * 1024, cpus: 0.5 }, { root });
    expect(report.map((r) => r.value)).toEqual([96 * 1024 * 1024, 60, 0.5]);
    expect(await read("cpu/docker/buildkit/cpu.cfs_quota_us")).toBe("50000");
  });

  it("reports a limit it cannot write as not enforced, with the reason", async () => {
    await rm(path.join(root, "pids"), { recursive: true });
    await mkdir(path.join(root, "pids"));
    const report = await applyBuildCgroupLimits({}, { root });
    expect(report.find((r) => r.limit === "pids")).toMatchObject({ enforced: false, reason: expect.stringMatching(/ENOENT.*pids\.max/) });
    expect(report.find((r) => r.limit === "memory")?.enforced).toBe(true);
  });
});

describe("applyBuildCgroupLimits (other layouts)", () => {
  it("writes memory.max, memory.swap.max, pids.max and cpu.max on cgroup v2", async () => {
    await files(root, { "cgroup.controllers": "cpu memory pids" });
    await files(path.join(root, "docker/buildkit"), { "memory.max": "max", "memory.swap.max": "max", "pids.max": "max", "cpu.max": "max 100000" });
    const report = await applyBuildCgroupLimits({ memoryBytes: 1000, pids: 7, cpus: 1.5 }, { root });
    expect(report.every((r) => r.enforced)).toBe(true);
    expect(await read("docker/buildkit/memory.max")).toBe("1000");
    expect(await read("docker/buildkit/memory.swap.max")).toBe("0");
    expect(await read("docker/buildkit/pids.max")).toBe("7");
    expect(await read("docker/buildkit/cpu.max")).toBe("150000 100000");
  });

  it("reports everything as not enforced when there is no cgroup filesystem", async () => {
    const report = await applyBuildCgroupLimits({}, { root: path.join(root, "missing") });
    expect(report.map((r) => r.enforced)).toEqual([false, false, false]);
    expect(report[0]?.reason).toMatch(/no cgroup filesystem/);
  });
});

describe("killOrphanedBuildSteps", () => {
  it("kills the processes listed in each step cgroup under the BuildKit parent, and only those", async () => {
    const orphan = spawn("sleep", ["300"], { stdio: "ignore" });
    const bystander = spawn("sleep", ["300"], { stdio: "ignore" });
    const exited = new Promise((resolve) => orphan.once("exit", (_code, signal) => resolve(signal)));
    try {
      await files(path.join(root, "memory/eng/buildkit"), {});
      await files(path.join(root, "pids/eng/buildkit/step1"), { "cgroup.procs": `${orphan.pid}\n` });
      await files(path.join(root, "pids/eng"), { "cgroup.procs": `${bystander.pid}\n` }); // not a step cgroup
      expect(await killOrphanedBuildSteps({ root, parent: "eng/buildkit" })).toBe(1);
      expect(await exited).toBe("SIGKILL");
      expect(bystander.exitCode === null && bystander.signalCode === null).toBe(true);
    } finally {
      orphan.kill("SIGKILL");
      bystander.kill("SIGKILL");
    }
  });

  it("finds nothing to do when the parent has no step cgroups", async () => {
    expect(await killOrphanedBuildSteps({ root, parent: "docker/buildkit" })).toBe(0);
  });
});
