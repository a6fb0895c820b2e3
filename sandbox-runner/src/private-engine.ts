/**
 * A private Docker engine for tests that must stop or restart one: its own `dockerd` (and the
 * containerd it starts) with its own data root, exec root, pid file, socket, cgroup parent and
 * bridge interface, and no iptables rules, so it shares nothing with the machine's engine and
 * BuildKit's cgroup (`<cgroup parent>/buildkit`) does not collide with the shared engine's.
 *
 * Not `--bridge=none`: a dockerd started that way deletes the host's `docker0` link at start-up
 * (it assumes the default bridge is its own), which silently breaks every bridge-networked
 * container of the machine's engine until it restarts. The private engine gets a bridge of its
 * own instead, created here and deleted by `remove()`. Base images are copied
 * in with `docker save | docker load` (no registry). Test-only.
 *
 * `stop()` always ends the whole process group (SIGTERM, then SIGKILL), unmounts what the engine
 * mounted under its folder and deletes it: call it from `afterAll` so a failed test never leaves
 * an engine running.
 */
import { execFile, spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, rmdir } from "node:fs/promises";
import path from "node:path";
import { promisify } from "node:util";
import { createDocker, pingEngine, type Docker } from "./engine";
import { killGroupOnExit } from "./test-process";

const run = promisify(execFile);

export type PrivateEngine = {
  /** `unix://…` path of its socket, for DOCKER_SOCKET (a path) and `docker -H`. */
  socket: string;
  docker: Docker;
  /** The `--cgroup-parent`, without the leading slash: BuildKit runs steps in `<it>/buildkit`. */
  cgroupParent: string;
  dir: string;
  /** The daemon's pid (changes on restart). */
  pid(): number | undefined;
  /** SIGTERM (a service manager's restart), wait for it to exit; with `start`, bring it back. */
  stop(): Promise<void>;
  /**
   * SIGKILL to the engine's whole process group, dockerd and its containerd at once: a crash of
   * the service (`systemctl kill -s KILL docker`, the OOM killer taking the service down).
   */
  kill(): Promise<void>;
  start(): Promise<void>;
  /** Stops it for good and deletes its folder. Safe to call twice, and after a failed start. */
  remove(): Promise<void>;
  logs(): string;
};

/** Why a private engine cannot run here, or null when it can. */
export function privateEngineUnavailable(): string | null {
  if (!existsSync("/usr/sbin/dockerd") && !existsSync("/usr/bin/dockerd")) return "dockerd is not installed";
  if (process.getuid?.() !== 0) return "starting a private dockerd needs root";
  return null;
}

export async function startPrivateEngine(opts: { images?: readonly string[]; name?: string } = {}): Promise<PrivateEngine> {
  // A short folder: the socket path must stay under the 108-byte unix socket limit.
  const dir = await mkdtemp(`/tmp/sc-eng-`);
  const id = path.basename(dir).replace(/^sc-eng-/, "").toLowerCase();
  const cgroupParent = `sc-engine-${opts.name ?? "test"}-${id}`;
  const socketPath = path.join(dir, "docker.sock");
  const bridge = await createBridge(`scb-${id}`.slice(0, 15));
  const args = [
    `--data-root=${path.join(dir, "data")}`,
    `--exec-root=${path.join(dir, "exec")}`,
    `--pidfile=${path.join(dir, "docker.pid")}`,
    `-H`,
    `unix://${socketPath}`,
    `--bridge=${bridge}`,
    "--iptables=false",
    "--ip-masq=false",
    "--ip6tables=false",
    `--cgroup-parent=/${cgroupParent}`,
    "--log-level=warn",
  ];
  const output: string[] = [];
  let child: ChildProcess | null = null;

  const start = async () => {
    const proc = spawn("dockerd", args, { detached: true, stdio: ["ignore", "pipe", "pipe"] });
    killGroupOnExit(proc);
    const keep = (b: Buffer) => {
      output.push(b.toString("utf8"));
      if (output.length > 300) output.shift();
    };
    proc.stdout?.on("data", keep);
    proc.stderr?.on("data", keep);
    child = proc;
    const docker = createDocker(socketPath);
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) break;
      if (await pingEngine(docker)) return;
      await new Promise((r) => setTimeout(r, 250));
    }
    throw new Error(`private dockerd did not come up:\n${output.join("").slice(-3000)}`);
  };

  const stop = async (signal: NodeJS.Signals = "SIGTERM", wholeGroup = false) => {
    const proc = child;
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
    const exited = new Promise((resolve) => proc.once("exit", resolve));
    const group = (s: NodeJS.Signals) => {
      try {
        process.kill(-proc.pid!, s);
      } catch {
        // gone
      }
    };
    // dockerd ends its containerd and shims itself on SIGTERM; the group catches the rest.
    if (wholeGroup) group(signal);
    else {
      try {
        process.kill(proc.pid!, signal);
      } catch {
        // gone
      }
    }
    const timer = setTimeout(() => group("SIGKILL"), 20_000);
    await exited;
    clearTimeout(timer);
  };

  const engine: PrivateEngine = {
    socket: socketPath,
    docker: createDocker(socketPath),
    cgroupParent,
    dir,
    pid: () => child?.pid,
    stop: () => stop(),
    async kill() {
      await stop("SIGKILL", true);
      // containerd goes with the group; wait until it has, so a restart does not find it half-dead.
      for (let i = 0; i < 50 && (await processesMentioning(path.join(dir, "exec"))).length > 0; i += 1) {
        await new Promise((r) => setTimeout(r, 100));
      }
      // Where PID 1 does not reap orphans (this sandbox's init; systemd does), the killed
      // containerd stays a zombie, its pid file names a "live" process, and the next dockerd waits
      // for it forever ("timeout waiting for containerd to start"). Drop that stale pid file.
      const pidFile = path.join(dir, "exec", "containerd", "containerd.pid");
      const pid = (await readFile(pidFile, "utf8").catch(() => "")).trim();
      const state = pid ? (await readFile(`/proc/${pid}/stat`, "utf8").catch(() => "")).replace(/^.*\) /s, "")[0] : undefined;
      if (pid && state !== "R" && state !== "S" && state !== "D") await rm(pidFile, { force: true });
    },
    start,
    async remove() {
      await stop();
      // containerd-shims outlive a killed dockerd: end whatever still runs from this folder.
      await killProcessesMentioning(dir);
      // RUN steps of a build the engine dropped outlive it, inside its cgroup parent.
      await killCgroupProcesses(cgroupParent);
      await unmountUnder(dir);
      await rm(dir, { recursive: true, force: true }).catch(() => undefined);
      await removeCgroups(cgroupParent);
      await run("ip", ["link", "delete", bridge]).catch(() => undefined);
    },
    logs: () => output.join("").slice(-4000),
  };

  try {
    await start();
    for (const image of opts.images ?? []) {
      await run("sh", ["-c", `docker save "$1" | docker -H "unix://$2" load -q`, "sh", image, socketPath], {
        maxBuffer: 16 * 1024 * 1024,
      });
    }
  } catch (err) {
    await engine.remove();
    throw err;
  }
  return engine;
}

/**
 * A bridge link for a private engine, on a /24 of 10.213.0.0/16 no other link uses. dockerd takes
 * the bridge's own address as its network's gateway.
 */
async function createBridge(name: string): Promise<string> {
  const { stdout } = await run("ip", ["-4", "-o", "addr", "show"]);
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const net = `10.213.${1 + Math.floor(Math.random() * 250)}`;
    if (stdout.includes(` ${net}.`)) continue;
    await run("ip", ["link", "add", "name", name, "type", "bridge"]);
    await run("ip", ["addr", "add", `${net}.1/24`, "dev", name]);
    await run("ip", ["link", "set", name, "up"]);
    return name;
  }
  throw new Error("no free 10.213.x.0/24 for a private engine's bridge");
}

async function processesMentioning(text: string): Promise<number[]> {
  const { stdout } = await run("ps", ["-eo", "pid=,args="]);
  return stdout
    .split("\n")
    .map((line) => /^\s*(\d+)\s+(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => !!m && m[2]!.includes(text) && !m[2]!.startsWith("ps ") && Number(m[1]) !== process.pid)
    .map((m) => Number(m[1]));
}

async function killProcessesMentioning(text: string): Promise<void> {
  for (const pid of await processesMentioning(text)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // gone
    }
  }
}

/** Every process in the `pids` (v1) or unified (v2) cgroup tree of `parent`. */
async function killCgroupProcesses(parent: string): Promise<void> {
  for (const top of [`/sys/fs/cgroup/pids/${parent}`, `/sys/fs/cgroup/${parent}`]) {
    if (!existsSync(top)) continue;
    const { stdout } = await run("sh", ["-c", `cat $(find "${top}" -name cgroup.procs) 2>/dev/null || true`]);
    for (const pid of stdout.split("\n").map(Number).filter((n) => n > 0)) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // gone
      }
    }
  }
  await new Promise((r) => setTimeout(r, 200));
}

/** Unmounts every mount point under `dir`, deepest first. */
async function unmountUnder(dir: string): Promise<void> {
  const mounts = (await readFile("/proc/self/mounts", "utf8"))
    .split("\n")
    .map((l) => l.split(" ")[1]?.replace(/\\040/g, " "))
    .filter((m): m is string => !!m && (m === dir || m.startsWith(`${dir}/`)))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) await run("umount", ["-l", m]).catch(() => undefined);
}

/** The engine's cgroup parent (and BuildKit's under it) in every v1 hierarchy, or in v2. */
async function removeCgroups(parent: string): Promise<void> {
  const root = "/sys/fs/cgroup";
  const { stdout } = await run("sh", ["-c", `find ${root} -maxdepth 2 -type d -name "${parent}" 2>/dev/null || true`]);
  for (const top of stdout.split("\n").filter(Boolean)) {
    const { stdout: dirs } = await run("sh", ["-c", `find "${top}" -depth -type d`]);
    for (const d of dirs.split("\n").filter(Boolean)) await rmdir(d).catch(() => undefined);
  }
}
