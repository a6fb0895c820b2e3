/**
 * The check-time sandbox against the real engine: every limit in `SANDBOX_LIMITS.container` is
 * attacked and must hold, and no container may outlive its run.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { createSandboxContainer, RUN_LABEL, removeLeftoverContainers, runContainer } from "./container-run";
import { formatBytes } from "../../lib/report";
import { SANDBOX_LIMITS } from "./limits";
import { testDocker, testImages } from "./checks/test-images";

const docker = testDocker();
const images = testImages(docker);
let image = "";

beforeAll(async () => {
  const busybox = await images.busybox();
  // A tag of our own, so "no container is left" can be asked about this file's containers only.
  ({ tag: image } = await images.build(`FROM ${busybox}\nCMD ["echo", "default command"]`));
});
afterAll(() => images.cleanup());

afterEach(async () => {
  const left = await docker.listContainers({ all: true, filters: { ancestor: [image] } });
  expect(left.map((c) => c.Id)).toEqual([]);
});

const sh = (script: string, timeoutMs = 10_000) => runContainer(docker, image, { cmd: ["sh", "-c", script], timeoutMs });

describe("runContainer", () => {
  it("runs the image's own CMD when no cmd is given", async () => {
    const run = await runContainer(docker, image, { timeoutMs: 10_000 });
    expect(run).toEqual({ exitCode: 0, stdout: "default command\n", stderr: "", oomKilled: false, timedOut: false });
  });

  it("separates stdout from stderr and reports the exit code", async () => {
    const run = await sh("echo out; echo err >&2; exit 7");
    expect(run).toMatchObject({ exitCode: 7, stdout: "out\n", stderr: "err\n", timedOut: false, oomKilled: false });
  });

  it("kills a program that never ends at the timeout", async () => {
    const t0 = Date.now();
    const run = await sh("while :; do :; done", 1_500);
    expect(run).toMatchObject({ timedOut: true, exitCode: null, oomKilled: false });
    expect(Date.now() - t0).toBeLessThan(8_000);
  });

  it("OOM-kills a program that allocates more than the memory cap", async () => {
    // tail keeps the whole newline-free "line" in memory: 300 MiB against a 128 MiB cap.
    const run = await sh("head -c 300m /dev/zero | tail");
    expect(SANDBOX_LIMITS.container.memoryBytes).toBeLessThan(300 * 1024 * 1024);
    expect(run.oomKilled).toBe(true);
    expect(run.exitCode).toBe(137);
  });

  it("has a read-only root filesystem and a writable /tmp", async () => {
    const root = await sh("touch /escape");
    expect(root.exitCode).not.toBe(0);
    expect(root.stderr).toMatch(/read-only file system/i);
    const tmp = await sh("echo scratch > /tmp/f && cat /tmp/f");
    expect(tmp).toMatchObject({ exitCode: 0, stdout: "scratch\n" });
  });

  it("has no network but loopback", async () => {
    const run = await sh("ls /sys/class/net");
    expect(run).toMatchObject({ exitCode: 0, stdout: "lo\n" });
  });

  it("drops every capability and forbids gaining privileges", async () => {
    const run = await sh("grep -E '^(CapEff|CapBnd|NoNewPrivs)' /proc/self/status");
    expect(run.stdout).toMatch(/CapEff:\s+0{16}/);
    expect(run.stdout).toMatch(/CapBnd:\s+0{16}/);
    expect(run.stdout).toMatch(/NoNewPrivs:\s+1/);
  });

  it("caps the number of processes", async () => {
    const run = await sh("cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max; for i in $(seq 200); do sleep 2 & done");
    expect(run.stdout).toBe(`${SANDBOX_LIMITS.container.pids}\n`);
    expect(run.exitCode).not.toBe(0);
    expect(run.stderr).toMatch(/can't fork/);
  });

  it("keeps only the first outputCapBytes of a flood and says so", async () => {
    const cap = SANDBOX_LIMITS.container.outputCapBytes;
    const run = await sh(`head -c ${cap * 4} /dev/zero | tr '\\0' a`);
    expect(run.exitCode).toBe(0);
    expect(run.stdout.startsWith("a".repeat(cap))).toBe(true);
    expect(run.stdout.slice(cap)).toBe(`\n[output truncated: only the first ${formatBytes(cap)} are kept]\n`);
  });

  it("reports a command that cannot start instead of throwing", async () => {
    const run = await runContainer(docker, image, { cmd: ["/no/such/program"], timeoutMs: 5_000 });
    expect(run.exitCode).toBeNull();
    expect(run.startError).toMatch(/no such file or directory|not found/);
  });

  it("reports an image with no command at all instead of throwing", async () => {
    const { tag } = await images.build(`FROM ${await images.busybox()} AS b\nFROM scratch\nCOPY --from=b /bin/busybox /busybox`);
    const run = await runContainer(docker, tag, { timeoutMs: 5_000 });
    expect(run).toMatchObject({ exitCode: null, startError: expect.stringMatching(/no command specified/i) });
  });
});

describe("removeLeftoverContainers", () => {
  it("removes labelled containers a previous runner left behind", async () => {
    const leftover = await createSandboxContainer(docker, image, { purpose: "run" });
    expect((await leftover.inspect()).Config.Labels[RUN_LABEL]).toBeTruthy();
    // Narrowed to this file's image: other test processes may be running checks on this engine.
    expect(await removeLeftoverContainers(docker, { image })).toBe(1);
    await expect(leftover.inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});
