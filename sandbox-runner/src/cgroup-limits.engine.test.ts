// The build cgroup caps on the real engine (DESIGN.md §3). Other builds share this engine and its
// BuildKit cgroup, so the tight caps live only as long as each bomb test: every test restores
// SANDBOX_LIMITS.buildCgroup in `finally`, and afterAll does it once more.
import { randomBytes } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it, type TestContext } from "vitest";
import { runBuild, type BuildOutcome } from "./build-backend";
import { makeBuildContext } from "./build-context";
import { applyBuildCgroupLimits, type BuildCgroupCaps, type LimitReport } from "./cgroup-limits";
import { cleanupImage } from "./cleanup";
import { createDocker } from "./engine";
import { SANDBOX_LIMITS } from "./limits";
import { hostProcesses } from "./test-support";

const docker = createDocker(process.env.DOCKER_SOCKET ?? "/var/run/docker.sock");
const BUSYBOX = "stagecraft/busybox:1.35";
const MiB = 1024 * 1024;
const run = randomBytes(4).toString("hex");
let dir: string;
let initial: LimitReport[];
let n = 0;

async function buildWithCaps(caps: Partial<BuildCgroupCaps>, dockerfile: string): Promise<{ outcome: BuildOutcome; output: string }> {
  const tag = `stagecraft-test-cgroup:${run}-${n++}`;
  let output = "";
  const report = await applyBuildCgroupLimits(caps);
  try {
    expect(report.filter((r) => r.limit in caps).every((r) => r.enforced)).toBe(true);
    const outcome = await runBuild({
      docker,
      context: await makeBuildContext({ dir, contextFiles: [] }, dockerfile),
      tag,
      signal: new AbortController().signal,
      timeoutMs: 60_000,
      logCapBytes: 1 * MiB,
      onStep: () => {},
      onLog: (e) => (output += e.chunk),
    });
    return { outcome, output };
  } finally {
    await applyBuildCgroupLimits();
    await cleanupImage(docker, tag);
  }
}

const cgroupFile = (controller: string, file: string) => readFile(path.join("/sys/fs/cgroup", controller, "docker/buildkit", file), "utf8").then((s) => s.trim());

/** Skips (with the reason) only where the cgroup files cannot be written at all. */
function requireWritable(ctx: TestContext) {
  const notWritable = initial.filter((r) => !r.enforced);
  if (notWritable.length > 0) ctx.skip(`build cgroup not writable here: ${notWritable.map((r) => `${r.limit}: ${r.reason}`).join("; ")}`);
}

/** Command lines of every process on the host that mention `marker`. */
const processesWith = (marker: string) => hostProcesses(marker);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sc-cgroup-"));
  initial = await applyBuildCgroupLimits();
});
afterAll(async () => {
  await applyBuildCgroupLimits();
  await rm(dir, { recursive: true, force: true });
});

describe("build cgroup limits on this engine", () => {
  it("writes SANDBOX_LIMITS.buildCgroup on BuildKit's parent cgroup", async (ctx) => {
    requireWritable(ctx);
    expect(initial.map((r) => [r.limit, r.enforced])).toEqual([["memory", true], ["pids", true], ["cpu", true]]);
    expect(await cgroupFile("pids", "pids.max")).toBe(String(SANDBOX_LIMITS.buildCgroup.pids));
    expect(Number(await cgroupFile("memory", "memory.limit_in_bytes"))).toBe(SANDBOX_LIMITS.buildCgroup.memoryBytes);
    expect(Number(await cgroupFile("memory", "memory.memsw.limit_in_bytes"))).toBe(SANDBOX_LIMITS.buildCgroup.memoryBytes);
    expect(Number(await cgroupFile("cpu", "cpu.cfs_quota_us"))).toBe(100_000 * SANDBOX_LIMITS.buildCgroup.cpus);
  });

  it("applies to RUN steps: a step runs inside the capped cgroup", async (ctx) => {
    requireWritable(ctx);
    const { outcome, output } = await buildWithCaps({ pids: 100 }, `FROM ${BUSYBOX}\nRUN echo ${run}-cgroup && cat /proc/self/cgroup\n`);
    expect(outcome.ok).toBe(true);
    expect(output).toMatch(/pids:\/docker\/buildkit\//);
  });

  it("stops a RUN that needs 150 processes under pids=60 with a process-limit message", async (ctx) => {
    requireWritable(ctx);
    const { outcome } = await buildWithCaps({ pids: 60 }, `FROM ${BUSYBOX}\nRUN for i in $(seq 150); do sleep 5 & done; wait\n`);
    expect(outcome).toMatchObject({ ok: false, code: "build_failed" });
    const message = (outcome as { message: string }).message;
    expect(message).toContain("can't fork");
    expect(message).toContain("hit the sandbox's process limit");
  });

  it("contains a classic fork bomb under pids=60: it burns out, the build ends and nothing is left", async (ctx) => {
    requireWritable(ctx);
    const { outcome, output } = await buildWithCaps({ pids: 60 }, `FROM ${BUSYBOX}\nRUN bomb(){ bomb | bomb & }; bomb; sleep 2; echo ${run}-after-bomb\n`);
    expect(output).toContain("can't fork");
    // The shell keeps going after the forks fail, so the step may even succeed; what matters is
    // that it ended on its own, well inside the timeout, and took every bomb process with it.
    expect(outcome.ok ? "ok" : outcome.code).toMatch(/^(ok|build_failed)$/);
    expect(outcome.buildMs).toBeLessThan(30_000);
    await expect.poll(() => processesWith(`${run}-after-bomb`), { timeout: 3_000, interval: 100 }).toEqual([]);
  });

  it("kills a 256 MiB allocation under a 96 MiB memory cap with an out-of-memory message", async (ctx) => {
    requireWritable(ctx);
    const { outcome } = await buildWithCaps({ memoryBytes: 96 * MiB }, `FROM ${BUSYBOX}\nRUN dd if=/dev/zero of=/dev/null bs=256M count=1\n`);
    expect(outcome).toMatchObject({ ok: false, code: "build_failed" });
    const message = (outcome as { message: string }).message;
    expect(message).toContain("exit code: 137");
    expect(message).toContain("more memory than the sandbox allows");
  });

  it("restores the SANDBOX_LIMITS values after each bomb", async (ctx) => {
    requireWritable(ctx);
    expect(await cgroupFile("pids", "pids.max")).toBe(String(SANDBOX_LIMITS.buildCgroup.pids));
    expect(Number(await cgroupFile("memory", "memory.limit_in_bytes"))).toBe(SANDBOX_LIMITS.buildCgroup.memoryBytes);
  });
});
