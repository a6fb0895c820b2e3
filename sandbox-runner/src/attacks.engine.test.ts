/**
 * The attack suite (issue 4, DESIGN.md §4): one test per threat a learner can aim at the sandbox,
 * on the real runner and engine (wiring: engine-harness.ts). Each asserts that the defence held,
 * that the attacker got a clear typed message, that nothing of the run is left (no image, no check
 * container, no build process) and that other learners were unaffected: a bystander's ordinary run,
 * submitted while the attack runs, waits its turn and passes.
 *
 * Limits are tightened only through the override hooks (`build`: a 6 s wall clock, a 32 MiB
 * image cap, a watermark above the disk's real free space; a fixture exercise whose output check
 * waits 4 s); production numbers are untouched. WebSocket fuzzing, load and crashes are other suites.
 */
import { randomBytes } from "node:crypto";
import { cp, mkdir, mkdtemp, open, readFile, rm, symlink, writeFile } from "node:fs/promises";
import { createConnection, createServer as createNetServer, type Server as NetServer } from "node:net";
import { networkInterfaces, tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadExercise } from "../../lib/lessons/load";
import type { Exercise } from "../../lib/lessons/schema";
import { createPlainRenderer, terminalText } from "../../lib/progress-render";
import type { ServerMessage } from "../../lib/protocol";
import { RUN_LABEL } from "./container-run";
import {
  BUSYBOX,
  defaultCapsInPlace,
  docker,
  KiB,
  MiB,
  openEngineHarness,
  processesWith,
  sleepMarkers,
  type EngineHarness,
  type TestRunner,
} from "./engine-harness";
import { SANDBOX_LIMITS } from "./limits";
import type { TestClient } from "./test-client";
import { FIXTURE_EXERCISE_ID, FIXTURE_LESSONS_DIR, FIXTURE_SOLUTION as SOLUTION, hostProcessIds } from "./test-support";

/**
 * Generous enough that a bomb is stopped by its cgroup cap, not the clock, on a busy machine; the
 * hang tests use a runner of their own with `HANG_TIMEOUT_MS`.
 */
const TEST_BUILD = { timeoutMs: 30_000, logCapBytes: SANDBOX_LIMITS.build.logCapBytes, maxImageBytes: 32 * MiB };
const HANG_TIMEOUT_MS = 6_000;
/** The fixture's output check, shortened in the `endless` copy of the course. */
const CHECK_TIMEOUT_MS = 4_000;
/** Marks this file's build output, cache records and processes. */
const tag = `atk${randomBytes(4).toString("hex")}`;
const nextSleep = sleepMarkers(8_000);
/** What every run's image tag looks like: 128 random bits, nothing a learner can guess. */
const RUN_TAG = /^stagecraft-run\/[0-9a-f]{32}:latest$/;
/** What must never reach a terminal: C0 controls but newline and tab, DEL, and the C1 range. */
const CONTROL_CHARS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;

let h: EngineHarness;
let live: TestRunner;
/** A runner whose builds stop after HANG_TIMEOUT_MS. */
let hasty: TestRunner;
/** The fixture exercise with its output check shortened to CHECK_TIMEOUT_MS. */
let endlessExercise: string;
let lessonsRoot: string;
/** Temporary one-lesson courses by slug (exercise ids `<slug>/hello`); the rest is the fixture course. */
const courses = new Map<string, string>();
/** Exercises handed to the runner as a loader could not produce them (see the hostile-context test). */
const tampered = new Map<string, (ex: Exercise) => Exercise>();

async function routedLoad(id: string): Promise<Exercise | null> {
  const slug = id.split("/")[0] ?? "";
  const tamper = tampered.get(slug);
  if (tamper) {
    const ex = await loadExercise(FIXTURE_EXERCISE_ID, FIXTURE_LESSONS_DIR);
    return ex && tamper(ex);
  }
  return loadExercise(id, courses.get(slug) ?? FIXTURE_LESSONS_DIR);
}

/** A copy of the fixture lesson as the course `<slug>`, changed by `change`; returns its exercise id. */
async function course(slug: string, change: (exerciseDir: string) => Promise<void>): Promise<string> {
  const root = path.join(lessonsRoot, slug);
  const lessonDir = path.join(root, `01-${slug}`);
  await cp(path.join(FIXTURE_LESSONS_DIR, "01-runner"), lessonDir, { recursive: true });
  await change(path.join(lessonDir, "exercises", "hello"));
  courses.set(slug, root);
  return `${slug}/hello`;
}

let bystanders = 0;
/**
 * Another learner's ordinary run, submitted while an attack runs: `done` asserts it waited its turn
 * (`position` ahead of it when accepted), passed every check and left nothing behind.
 */
async function bystander(r: TestRunner = live) {
  const c = await h.client(r, `bystander-${++bystanders}`);
  const runId = h.start(c, SOLUTION);
  const accepted = await c.next("accepted", runId);
  return {
    position: accepted.position,
    async done() {
      expect(await c.next("finished", runId, 120_000)).toMatchObject({ state: "passed" });
      const results = (await c.next("checks", runId)).results;
      expect(results.filter((x) => x.status !== "pass")).toEqual([]);
      await expect.poll(() => h.row(runId)?.state).toBe("passed");
      await h.expectNothingLeft(r, runId);
      c.ws.close();
    },
  };
}

/** An attacker's run on an idle runner, accepted and building, with a bystander queued behind it. */
async function attack(learner: string, dockerfile: string, o: { exerciseId?: string; runner?: TestRunner } = {}) {
  const r = o.runner ?? live;
  await expect.poll(() => r.runner.queue.stats(), { timeout: 120_000 }).toMatchObject({ running: 0, queued: 0 });
  const c = await h.client(r, learner);
  const runId = h.start(c, dockerfile, o.exerciseId ? { exerciseId: o.exerciseId } : {});
  expect(await c.next("accepted", runId)).toMatchObject({ position: 0 });
  const other = await bystander(r);
  return { c, runId, other };
}

/** Every log frame of one run as the page got it. */
function buildLogs(c: TestClient, runId: string) {
  return c.log.filter((m): m is Extract<ServerMessage, { type: "log" }> => m.type === "log" && m.runId === runId);
}
/** The build's own output of one run (no runner notes), as one text. */
const buildText = (c: TestClient, runId: string) =>
  buildLogs(c, runId)
    .filter((l) => l.stream !== "runner")
    .map((l) => l.chunk)
    .join("");

/** The build-cache records whose description mentions `marker` (BuildKit names a RUN record by its command). */
async function cacheRecordsMentioning(marker: string): Promise<string[]> {
  const df = (await docker.df()) as { BuildCache?: { ID: string; Description?: string }[] };
  return (df.BuildCache ?? []).filter((r) => r.Description?.includes(marker)).map((r) => `${r.ID} ${r.Description}`);
}

beforeAll(async () => {
  lessonsRoot = await mkdtemp(path.join(tmpdir(), "sc-attack-lessons-"));
  h = await openEngineHarness({ name: "attacks", build: TEST_BUILD, loadExercise: routedLoad });
  live = h.live;
  hasty = await h.startTestRunner({ build: { timeoutMs: HANG_TIMEOUT_MS } });
  endlessExercise = await course("endless", async (dir) => {
    const manifest = JSON.parse(await readFile(path.join(dir, "exercise.json"), "utf8")) as { checks: { kind: string; timeoutMs?: number }[] };
    for (const check of manifest.checks) if (check.kind === "container-output") check.timeoutMs = CHECK_TIMEOUT_MS;
    await writeFile(path.join(dir, "exercise.json"), JSON.stringify(manifest));
  });
});

afterAll(async () => {
  await h?.close();
  if (lessonsRoot) await rm(lessonsRoot, { recursive: true, force: true });
});

describe("attacks on the real runner", () => {
  describe("resource exhaustion", () => {
    it("a fork bomb fails the build with the process-limit message; a bystander passes", async (ctx) => {
      const skip = await defaultCapsInPlace();
      if (skip) return ctx.skip(skip);
      const marker = nextSleep();
      const { c, runId, other } = await attack("forks", `FROM ${BUSYBOX}\nRUN for i in $(seq ${SANDBOX_LIMITS.buildCgroup.pids + 200}); do ${marker} & done; wait\n`);
      expect(other.position).toBe(1);
      expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "failed" });
      const builds = (await c.next("checks", runId)).results.find((r) => r.checkId === "builds");
      expect(builds).toMatchObject({ status: "fail", message: expect.stringContaining("hit the sandbox's process limit") });
      await expect.poll(() => h.row(runId)?.state).toBe("failed");
      await other.done();
      await h.expectNothingLeft(live, runId, { marker });
      c.ws.close();
    });

    it("a memory bomb fails the build with the out-of-memory message; a bystander passes", async (ctx) => {
      const skip = await defaultCapsInPlace();
      if (skip) return ctx.skip(skip);
      const mib = Math.round(SANDBOX_LIMITS.buildCgroup.memoryBytes / MiB) + 256;
      const { c, runId, other } = await attack("memory", `FROM ${BUSYBOX}\nRUN dd if=/dev/zero of=/dev/null bs=${mib}M count=1\n`);
      expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "failed" });
      const builds = (await c.next("checks", runId)).results.find((r) => r.checkId === "builds");
      expect(builds).toMatchObject({ status: "fail", message: expect.stringContaining("more memory than the sandbox allows") });
      await other.done();
      await h.expectNothingLeft(live, runId);
      c.ws.close();
    });

    it("a CPU burn runs under the build cgroup's CPU quota, is stopped at the time limit, and a bystander passes", async () => {
      const marker = `${tag}-burn`;
      const { c, runId, other } = await attack("burn", `FROM ${BUSYBOX}\nRUN while :; do :; done # ${marker}\n`, { runner: hasty });
      expect(other.position).toBe(1);
      // The spinning shell sits in a step cgroup under BuildKit's parent, whose quota caps it.
      await expect.poll(() => hostProcessIds(marker), { timeout: 30_000, interval: 200 }).not.toEqual([]);
      const [pid] = await hostProcessIds(marker);
      const cgroup = await readFile(`/proc/${pid}/cgroup`, "utf8");
      const cpuPath = /^\d+:[^:]*\bcpu\b[^:]*:(\/.*)$/m.exec(cgroup)?.[1] ?? "";
      expect(cpuPath).toMatch(/^\/docker\/buildkit\//);
      const parent = "/sys/fs/cgroup/cpu/docker/buildkit";
      const quota = Number(await readFile(`${parent}/cpu.cfs_quota_us`, "utf8"));
      const period = Number(await readFile(`${parent}/cpu.cfs_period_us`, "utf8"));
      expect(quota).toBeGreaterThan(0);
      expect(quota / period).toBeLessThanOrEqual(SANDBOX_LIMITS.buildCgroup.cpus);

      const error = await c.next("error", runId, 30_000);
      expect(error).toMatchObject({ code: "timeout", message: expect.stringMatching(/longer than 6 s and was stopped/) });
      expect(await c.next("finished", runId, 10_000)).toMatchObject({ state: "error" });
      await expect.poll(() => h.row(runId)).toMatchObject({ state: "error", errorCode: "timeout" });
      await other.done();
      await h.expectNothingLeft(hasty, runId, { marker, contains: true });
      c.ws.close();
    });

    it("a build that never ends: timeout with the limit in the message, ended as error, no process left; a bystander passes", async () => {
      const marker = nextSleep();
      const { c, runId, other } = await attack("hangs", `FROM ${BUSYBOX}\nRUN echo started && ${marker}\n`, { runner: hasty });
      expect(other.position).toBe(1);
      await expect.poll(() => processesWith(marker), { timeout: 30_000, interval: 200 }).not.toEqual([]);
      const error = await c.next("error", runId, 30_000);
      expect(error).toMatchObject({ code: "timeout", message: expect.stringMatching(/longer than 6 s and was stopped/) });
      expect(await c.next("finished", runId, 10_000)).toMatchObject({ state: "error" });
      await expect.poll(() => h.row(runId)).toMatchObject({ state: "error", errorCode: "timeout" });
      await other.done();
      await h.expectNothingLeft(hasty, runId, { marker });
      c.ws.close();
    });

    it("a container that never exits and ignores SIGTERM: the output check times out saying so, the container is removed", async () => {
      const marker = `${tag}-forever`;
      const dockerfile = `FROM ${BUSYBOX}\nCOPY greeting.txt /greeting.txt\nUSER 10001:10001\nCMD ["sh", "-c", "trap '' TERM INT; cat /greeting.txt; while :; do sleep 1; done # ${marker}"]\n`;
      const { c, runId, other } = await attack("forever", dockerfile, { exerciseId: endlessExercise });
      await expect.poll(() => processesWith(marker, { contains: true }), { timeout: 60_000, interval: 200 }).not.toEqual([]);
      expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "failed" });
      const results = (await c.next("checks", runId)).results;
      expect(results.find((r) => r.checkId === "builds")).toMatchObject({ status: "pass" });
      expect(results.find((r) => r.checkId === "greets")).toMatchObject({
        status: "fail",
        message: expect.stringMatching(/still running after 4 s, so it was stopped; it printed .*hello from the runner fixture/),
      });
      await other.done();
      await h.expectNothingLeft(live, runId, { marker, contains: true });
      c.ws.close();
    });

    it("disk fill: a layer over the image-size cap is image_too_large, the image and its cache records are deleted", async () => {
      const fill = `/fill-${tag}`;
      const { c, runId, other } = await attack("fill", `FROM ${BUSYBOX}\nRUN dd if=/dev/zero of=${fill} bs=1M count=40\n`);
      const error = await c.next("error", runId, 60_000);
      expect(error).toMatchObject({ code: "image_too_large", message: expect.stringMatching(/over the sandbox limit of 32 MiB\. It was deleted\./) });
      expect(await c.next("finished", runId, 10_000)).toMatchObject({ state: "error" });
      await expect.poll(() => h.row(runId)).toMatchObject({ state: "error", errorCode: "image_too_large" });
      await other.done();
      expect(await cacheRecordsMentioning(fill)).toEqual([]);
      await h.expectNothingLeft(live, runId);
      c.ws.close();
    });

    it("disk fill: below the free-space watermark no build starts (disk_low), while a runner with room serves a bystander", async () => {
      // A watermark above any real disk's free space: this runner is "out of disk".
      const full = await h.startTestRunner({ build: { minFreeDiskBytes: Number.MAX_SAFE_INTEGER } });
      const c = await h.client(full, "disk-low");
      const other = await bystander();
      const runId = h.start(c, SOLUTION);
      await h.expectRefusedWithoutBuild(c, runId, "disk_low", /low on disk space, so nothing was built/, full);
      expect(full.buildTags).toEqual([]);
      await other.done();
      c.ws.close();
      await full.runner.shutdown();
    });

    // With the real 1 MiB cap: BuildKit (engine 20.10) clips one step's output after ~200 KiB
    // ("[output clipped, log limit 200KiB/s reached]") and forwards nothing more, so a one-step flood
    // must be recognised by that clipping, or it burns a CPU until the wall-clock limit.
    it("a log flood: log_limit, what reaches the page is capped and batched, no process left; a bystander passes", async () => {
      const marker = `${tag}-flood`;
      const { c, runId, other } = await attack("flood", `FROM ${BUSYBOX}\nRUN yes ${marker}\n`);
      const error = await c.next("error", runId, 30_000);
      expect(error).toMatchObject({ code: "log_limit", message: expect.stringMatching(/output and was stopped/) });
      expect(await c.next("finished", runId, 10_000)).toMatchObject({ state: "error" });
      const logs = buildLogs(c, runId);
      const buildBytes = Buffer.byteLength(buildText(c, runId));
      expect(buildBytes).toBeGreaterThan(0);
      expect(buildBytes).toBeLessThanOrEqual(TEST_BUILD.logCapBytes);
      expect(logs.length).toBeLessThan(200); // batched: a `yes` flood is not a frame per line
      await expect.poll(() => h.row(runId)).toMatchObject({ state: "error", errorCode: "log_limit" });
      expect(Buffer.byteLength(h.row(runId)?.log ?? "")).toBeLessThanOrEqual(TEST_BUILD.logCapBytes + 4 * KiB);
      await other.done();
      await h.expectNothingLeft(live, runId, { marker, contains: true });
      c.ws.close();
    });
  });

  describe("hostile output", () => {
    it("a log flood spread over steps that each stay under BuildKit's clip: the total cap stops the build (log_limit)", async () => {
      const marker = `${tag}-spread`;
      const perStep = 150 * KiB;
      const steps = Math.ceil(TEST_BUILD.logCapBytes / perStep) + 2;
      const runs = Array.from({ length: steps }, (_, i) => `RUN yes ${marker}-${i} | head -c ${perStep}`).join("\n");
      const { c, runId, other } = await attack("spread", `FROM ${BUSYBOX}\n${runs}\n`);
      const error = await c.next("error", runId, 60_000);
      expect(error).toMatchObject({ code: "log_limit", message: expect.stringMatching(/printed more than 1\.0 MiB of output and was stopped/) });
      expect(await c.next("finished", runId, 10_000)).toMatchObject({ state: "error" });
      const bytes = Buffer.byteLength(buildText(c, runId));
      expect(bytes).toBeGreaterThan(TEST_BUILD.logCapBytes - perStep);
      expect(bytes).toBeLessThanOrEqual(TEST_BUILD.logCapBytes);
      // Stopped: the last steps never printed.
      expect(buildText(c, runId)).not.toContain(`${marker}-${steps - 1}`);
      await expect.poll(() => h.row(runId)).toMatchObject({ state: "error", errorCode: "log_limit" });
      await other.done();
      await h.expectNothingLeft(live, runId, { marker, contains: true });
      c.ws.close();
    });

    it("terminal escape sequences in build output and step names reach the page and the stored log as plain text", async () => {
      const c = await h.client(live, "escapes");
      // Written with printf's octal escapes, so the Dockerfile itself is plain text ...
      const sequences = [
        String.raw`\033]52;c;Y2xpcGJvYXJk\007`, // OSC 52: write the clipboard
        String.raw`\033]8;;http://evil.invalid/\033\\click-here\033]8;;\033\\`, // OSC 8 hyperlink
        String.raw`\033]0;pwned-title\007\033]2;pwned-title\033\\`, // window title
        String.raw`\033[2J\033[H\033[10A\033[999C\033[?1049h`, // clear screen, cursor moves, alt screen
        String.raw`\033[200~pasted\033[201~`, // bracketed paste markers
        String.raw`\033[1;31mRED\033[0m`, // SGR colour (the runner's policy: stripped too)
        String.raw`\302\233`+"2J"+String.raw`\302\2350;c1-title\007`, // 8-bit C1 CSI and OSC, UTF-8 encoded
        String.raw`\033P1$r\033\\\033c\033(0`, // DCS, reset, line-drawing charset
      ];
      const printf = sequences.map((s) => `printf '${s}${tag}-seen\\n'`).join(" && ");
      // ... and one raw ESC/BEL goes into a step's name, which the page also prints.
      const dockerfile = SOLUTION.replace("USER", `RUN ${printf}\nRUN echo "\u001b]0;step-title\u0007named-step"\nUSER`);
      const runId = h.start(c, dockerfile);
      expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "passed" });

      const page = buildText(c, runId);
      const steps = c.log.filter((m): m is Extract<ServerMessage, { type: "step" }> => m.type === "step" && m.runId === runId);
      const stored = h.row(runId)?.log ?? "";
      for (const [where, text] of [["page", page], ["steps", steps.map((s) => s.step.name).join("\n")], ["stored log", stored]] as const) {
        expect(text, where).not.toMatch(CONTROL_CHARS);
      }
      // The output's sequences are gone with their payloads (step names quote the printf text itself).
      for (const payload of ["52;c;", "evil.invalid", "pwned-title", "c1-title", "[200~", "[1;31m", "[2J", "[?1049h"]) {
        expect(page, `the page kept ${payload}`).not.toContain(payload);
      }
      expect(steps.map((s) => s.step.name).join("\n")).not.toContain("step-title");
      expect(stored).toContain(`${tag}-seen`);
      // The text around the sequences survives, once per printf.
      expect(page.split(`${tag}-seen`).length - 1).toBe(sequences.length);
      for (const kept of ["click-here", "pasted", "RED"]) expect(page).toContain(kept);
      expect(steps.some((s) => s.step.name.includes("named-step"))).toBe(true);
      await h.expectNothingLeft(live, runId);
      c.ws.close();
    });

    it("escape sequences in a refused Dockerfile's quoted text: the terminal and the stored log get plain text", async () => {
      const c = await h.client(live, "escapes-refused");
      const runId = h.start(c, `FROM ${BUSYBOX}\u001b]52;c;Y2xpcGJvYXJk\u0007\u001b[2J\u009b1;1H\nRUN true\n`);
      const error = await h.expectRefusedWithoutBuild(c, runId, "admission_rejected", /line 1: /);
      // What the page's terminal prints for the frame, and what the run's record keeps.
      const terminal = terminalText(createPlainRenderer(), error);
      for (const [where, text] of [["terminal", terminal], ["stored log", h.row(runId)?.log ?? ""]] as const) {
        expect(text, where).toContain("stagecraft/busybox:1.35");
        expect(text, where).not.toMatch(CONTROL_CHARS);
        expect(text, where).not.toContain("52;c;");
      }
      c.ws.close();
    });
  });

  describe("reaching the host's network through the daemon", () => {
    let listeners: NetServer[] = [];
    let connections = 0;
    let port = 0;

    beforeAll(async () => {
      // One port on every IPv4 address of the host (loopback included), and on ::1 where there is one.
      const v4 = createNetServer((s) => {
        connections += 1;
        s.destroy();
      });
      await new Promise<void>((r) => v4.listen(0, "0.0.0.0", r));
      port = (v4.address() as { port: number }).port;
      listeners = [v4];
      const v6 = createNetServer((s) => {
        connections += 1;
        s.destroy();
      });
      const v6ok = await new Promise<boolean>((r) => {
        v6.once("error", () => r(false));
        v6.listen(port, "::1", () => r(true));
      });
      if (v6ok) listeners.push(v6);
    });

    afterAll(async () => {
      for (const l of listeners) await new Promise<void>((r) => l.close(() => r()));
    });

    const hostAddresses = () =>
      Object.values(networkInterfaces())
        .flat()
        .filter((a) => a && a.family === "IPv4" && !a.internal)
        .map((a) => a!.address);

    it("FROM / ADD / COPY --from / # syntax= naming a listener on the host: admission_rejected on the line, zero connections", async () => {
      const addresses = ["127.0.0.1", "localhost", "127.1", "[::1]", ...hostAddresses()];
      expect(addresses.length).toBeGreaterThan(4); // the host has an address besides loopback
      const other = await bystander();
      const forms = (a: string): [string, string, number][] => [
        [`FROM ${a}:${port}/stagecraft/busybox:1.35\n`, "base-image-not-allowed", 1],
        [`FROM ${BUSYBOX}\nADD http://${a}:${port}/payload.tar /p\n`, "add-remote-source", 2],
        [`# syntax=${a}:${port}/frontend\nFROM ${BUSYBOX}\n`, "parser-directive", 1],
        [`FROM ${BUSYBOX}\nCOPY --from=${a}:${port}/x /etc/passwd /p\n`, "copy-from-not-allowed", 2],
      ];
      await Promise.all(
        addresses.map(async (a, i) => {
          const c = await h.client(live, `ssrf-${i}`);
          for (const [dockerfile, rule, line] of forms(a)) {
            const runId = h.start(c, dockerfile);
            const error = await h.expectRefusedWithoutBuild(c, runId, "admission_rejected", new RegExp(`^The sandbox will not build this Dockerfile: (\\d+ problems; the first is )?line ${line}: `));
            expect(error.problems?.find((p) => p.rule === rule), `${a}: ${dockerfile}`).toMatchObject({ line });
          }
          c.ws.close();
        }),
      );
      await other.done();
      await new Promise((r) => setTimeout(r, 500)); // a late dial would have arrived by now
      expect(connections).toBe(0);
    });

    it("RUN wget to the host's own address: the step has no network, the build fails at that step, zero connections", async () => {
      const [address = "172.17.0.1"] = hostAddresses();
      const c = await h.client(live, "ssrf-run");
      const runId = h.start(c, `FROM ${BUSYBOX}\nRUN wget -T 3 -q -O /dev/null http://${address}:${port}/x && echo reached || (echo ${tag}-unreachable && exit 1)\n`);
      expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "failed" });
      const builds = (await c.next("checks", runId)).results.find((r) => r.checkId === "builds");
      expect(builds).toMatchObject({ status: "fail", message: expect.stringContaining(`${tag}-unreachable`) });
      await h.expectNothingLeft(live, runId);
      expect(connections).toBe(0);
      c.ws.close();
    });
  });

  describe("cross-learner reads and poisoning", () => {
    it("COPY --from / FROM another learner's image (by tag or id) while it exists: refused by admission; its tag is random and deleted after grading", async () => {
      // Learner A, on a second runner process sharing the engine, builds an image that holds a
      // secret and whose output check then runs for a while: the window in which B attacks.
      const second = await h.startTestRunner();
      const a = await h.client(second, "victim");
      const secret = `${tag}-victim-secret`;
      const aRun = h.start(
        a,
        `FROM ${BUSYBOX}\nCOPY greeting.txt /greeting.txt\nRUN echo ${secret} > /secret.txt\nUSER 10001:10001\nCMD ["sh", "-c", "while :; do sleep 1; done"]\n`,
        { exerciseId: endlessExercise },
      );
      await expect.poll(() => second.buildTags.length, { timeout: 30_000 }).toBe(1);
      const victimTag = second.buildTags[0]!;
      expect(victimTag).toMatch(RUN_TAG);
      await expect.poll(() => docker.getImage(victimTag).inspect().then((i) => i.Id, () => null), { timeout: 60_000, interval: 100 }).toMatch(/^sha256:/);
      const victimId = (await docker.getImage(victimTag).inspect()).Id;

      const attempts: [string, string][] = [
        [`FROM ${victimTag}\n`, "base-image-not-allowed"],
        [`FROM ${victimTag.replace(/:latest$/, "")}\n`, "base-image-not-allowed"],
        [`FROM ${victimId}\n`, "base-image-not-allowed"],
        [`FROM ${BUSYBOX}\nCOPY --from=${victimTag} /secret.txt /s\n`, "copy-from-not-allowed"],
        [`FROM ${BUSYBOX}\nCOPY --from=${victimId} /secret.txt /s\n`, "copy-from-not-allowed"],
        [`FROM ${BUSYBOX} AS x\nFROM ${victimTag} AS y\nCOPY --from=y /secret.txt /s\n`, "base-image-not-allowed"],
      ];
      await Promise.all(
        attempts.map(async ([dockerfile, rule], i) => {
          const b = await h.client(live, `thief-${i}`);
          const runId = h.start(b, dockerfile);
          const error = await h.expectRefusedWithoutBuild(b, runId, "admission_rejected", /^The sandbox will not build this Dockerfile: /);
          expect(error.problems?.map((p) => p.rule), dockerfile).toContain(rule);
          expect(JSON.stringify(b.log)).not.toContain(secret);
          b.ws.close();
        }),
      );
      // The refusals were not luck: A's image was there all along.
      expect((await docker.getImage(victimTag).inspect()).Id).toBe(victimId);

      // A was graded as usual: built, non-root, and failing only the output check its CMD never ends.
      expect(await a.next("finished", aRun, 60_000)).toMatchObject({ state: "failed" });
      const graded = Object.fromEntries((await a.next("checks", aRun)).results.map((r) => [r.checkId, r.status]));
      expect(graded).toEqual({ builds: "pass", greets: "fail", "non-root": "pass" });
      await h.expectNothingLeft(second, aRun);
      await expect(docker.getImage(victimId).inspect()).rejects.toMatchObject({ statusCode: 404 });
      a.ws.close();
      await second.runner.shutdown();
    });

    it.each([
      ["a named shared cache", "--mount=type=cache,id=shared,target=/var/cache/shared"],
      ["a cache shared by default", "--mount=type=cache,target=/root/.cache,sharing=shared"],
      ["the space-separated form", "--mount type=cache,target=/c"],
      ["a bind of another image", "--mount=type=bind,from=stagecraft-run/0000:latest,target=/other"],
      ["a secret", "--mount=type=secret,id=npmrc"],
      ["an ssh agent", "--mount=type=ssh"],
      ["a tmpfs", "--mount=type=tmpfs,target=/t"],
      ["--security=insecure", "--security=insecure"],
      ["--network=host", "--network=host"],
      ["--network=default", "--network=default"],
    ])("RUN with %s: admission_rejected with the run-flag rule, nothing built", async (what, flag) => {
      const c = await h.client(live, `mount-${what.replace(/\W+/g, "-")}`);
      const runId = h.start(c, `FROM ${BUSYBOX}\nRUN ${flag} echo ${tag} > /var/cache/shared/x\n`);
      const error = await h.expectRefusedWithoutBuild(c, runId, "admission_rejected", /line 2: `RUN --(mount|security|network)` is not allowed in this sandbox/);
      expect(error.problems?.find((p) => p.rule === "run-flag")).toMatchObject({ line: 2 });
      c.ws.close();
    });

    it("what learner A wrote into a would-be shared cache folder is not readable by learner B", async () => {
      const secret = `${tag}-cache-secret`;
      const a = await h.client(live, "cache-a");
      const aRun = h.start(a, SOLUTION.replace("USER", `RUN mkdir -p /var/cache/shared && echo ${secret} > /var/cache/shared/x\nUSER`));
      expect(await a.next("finished", aRun, 60_000)).toMatchObject({ state: "passed" });
      await h.expectNothingLeft(live, aRun);

      const b = await h.client(live, "cache-b");
      const mounted = h.start(b, `FROM ${BUSYBOX}\nRUN --mount=type=cache,target=/var/cache/shared cat /var/cache/shared/x\n`);
      await h.expectRefusedWithoutBuild(b, mounted, "admission_rejected", /RUN --mount/);
      const plain = h.start(b, SOLUTION.replace("USER", `RUN cat /var/cache/shared/x 2>&1 || echo ${tag}-nothing-there\nUSER`));
      expect(await b.next("finished", plain, 60_000)).toMatchObject({ state: "passed" });
      expect(buildText(b, plain)).toContain(`${tag}-nothing-there`);
      expect(JSON.stringify(b.log)).not.toContain(secret);
      await h.expectNothingLeft(live, plain);
      a.ws.close();
      b.ws.close();
    });
  });

  describe("secrets and privileged options", () => {
    it("a start asking for build args, privileges, host network, extra hosts, a cgroup parent, target or platform: ignored; the build sees no secret, capability or network", async () => {
      // The Engine API requests the runner makes, read off a pass-through socket.
      const proxy = await engineProxy(path.join(h.dir, "engine-proxy.sock"));
      const saved = { STAGECRAFT_SECRET: process.env.STAGECRAFT_SECRET, DATABASE_URL: process.env.DATABASE_URL };
      const runnerSecret = `${tag}-runner-secret`;
      const dbSecret = `postgresql://stagecraft:${tag}-db-password@localhost/x`;
      // The store's client reads DATABASE_URL once, on first use: make that happen before the swap.
      await h.store.ping();
      process.env.STAGECRAFT_SECRET = runnerSecret;
      process.env.DATABASE_URL = dbSecret;
      try {
        const r = await h.startTestRunner({ socketPath: proxy.path });
        const c = await h.client(r, "privileged");
        const probe = [
          "echo env: && env",
          "echo environ: && tr '\\0' '\\n' < /proc/1/environ",
          "echo secrets: && (ls -la /run/secrets 2>&1 || true)",
          "grep -E '^Cap(Eff|Prm|Bnd):' /proc/self/status",
          "echo ifaces: && tail -n +3 /proc/net/dev | cut -d: -f1",
          "echo hosts: && cat /etc/hosts",
          `echo ${tag}-probe-done`,
        ].join(" && ");
        const dockerfile = SOLUTION.replace("USER", `RUN ${probe}\nUSER`);
        const runId = crypto.randomUUID();
        h.allRunIds.push(runId);
        c.ws.send(
          JSON.stringify({
            type: "start",
            runId,
            exerciseId: FIXTURE_EXERCISE_ID,
            files: { Dockerfile: dockerfile, "../../etc/passwd": "root::0:0::/:/bin/sh" },
            buildargs: { HTTP_PROXY: "http://evil.invalid:3128" },
            privileged: true,
            networkmode: "host",
            extrahosts: ["evil.invalid:192.0.2.66"],
            cgroupparent: "/",
            target: "debug",
            platform: "linux/arm64",
            authconfig: { "evil.invalid": { username: "u", password: "p" } },
            shmsize: 1 << 30,
          }),
        );
        expect(await c.next("finished", runId, 60_000)).toMatchObject({ state: "passed" });
        const out = buildText(c, runId);
        expect(out).toContain(`${tag}-probe-done`);
        for (const leak of [runnerSecret, `${tag}-db-password`, "evil.invalid", "HTTP_PROXY", "STAGECRAFT", "DATABASE_URL"]) {
          expect(out, `the build saw ${leak}`).not.toContain(leak);
        }
        expect(out).toMatch(/secrets:\n.*No such file or directory/);
        // No CAP_SYS_ADMIN (21), CAP_NET_ADMIN (12), CAP_SYS_MODULE (16), CAP_SYS_PTRACE (19), CAP_SYS_RAWIO (17).
        const capEff = BigInt(`0x${/CapEff:\s*([0-9a-f]+)/.exec(out)?.[1] ?? "ffffffffff"}`);
        for (const bit of [21n, 12n, 16n, 19n, 17n]) expect((capEff >> bit) & 1n, `capability ${bit}`).toBe(0n);
        const ifaces = /ifaces:\n([\s\S]*?)hosts:/.exec(out)?.[1]?.split("\n").map((l) => l.replace(/^#\d+ [\d.]+ /, "").trim()).filter(Boolean);
        expect(ifaces).toEqual(["lo"]);

        // What the runner asked of the engine: the fixed query, and no credentials, for every build.
        const builds = proxy.requests.filter((q) => q.method === "POST" && /^(\/v[\d.]+)?\/build\?/.test(q.path));
        // The learner's build first; then the build insight's (the starter and solution for the
        // comparison, a builder stage weighed as a `--target`): the same fixed query, plus a target.
        expect(builds.length).toBeGreaterThanOrEqual(1);
        for (const [i, build] of builds.entries()) {
          const query = Object.fromEntries(new URL(build.path, "http://engine").searchParams);
          const keys = ["forcerm", "networkmode", "pull", "rm", "t", "version"];
          expect(Object.keys(query).sort()).toEqual(i === 0 || !("target" in query) ? keys : [...keys, "target"].sort());
          expect(query).toMatchObject({ version: "2", networkmode: "none", pull: "0", rm: "1", forcerm: "1", t: expect.stringMatching(RUN_TAG) });
        }
        for (const q of proxy.requests) {
          expect(Object.keys(q.headers).filter((k) => /^x-registry/.test(k)), `${q.method} ${q.path}`).toEqual([]);
          expect(q.path, "no BuildKit session (it would answer credential requests)").not.toMatch(/\/session\b/);
        }
        await h.expectNothingLeft(r, runId);
        c.ws.close();
        await r.runner.shutdown();
      } finally {
        for (const [k, v] of Object.entries(saved)) {
          if (v === undefined) delete process.env[k];
          else process.env[k] = v;
        }
        await proxy.close();
      }
    });
  });

  describe("a hostile build context (an exercise authoring error)", () => {
    type Case = [string, () => Promise<string>, RegExp];
    const cases: Case[] = [
      [
        "a symbolic link among the context files",
        () => course("linked", async (dir) => {
          await rm(path.join(dir, "context", "greeting.txt"));
          await symlink("/etc/hostname", path.join(dir, "context", "greeting.txt"));
        }),
        /context files must be regular files or folders \(no symlinks\)/,
      ],
      [
        // The loader lists context/ from disk, where no name holds `..`; the runner's tar maker
        // refuses one anyway, in case a future loader (say, a manifest of files) lets it through.
        "a `../` name",
        async () => {
          tampered.set("dotdot", (ex) => ({ ...ex, contextFiles: [...ex.contextFiles, "../../../../etc/hostname"] }));
          return "dotdot/hello";
        },
        /context file "\.\.\/\.\.\/\.\.\/\.\.\/etc\/hostname": unsafe path/,
      ],
      [
        "too many files",
        () => course("crowded", async (dir) => {
          for (let i = 0; i < SANDBOX_LIMITS.context.maxFiles; i++) await writeFile(path.join(dir, "context", `f${i}.txt`), `${i}\n`);
        }),
        new RegExp(`context has ${SANDBOX_LIMITS.context.maxFiles + 2} files; the limit is ${SANDBOX_LIMITS.context.maxFiles}`),
      ],
      [
        "a file over the size cap",
        () => course("bloated", async (dir) => {
          // Sparse: the size is what counts, and it is refused before it is read.
          const file = await open(path.join(dir, "context", "big.bin"), "w");
          await file.truncate(SANDBOX_LIMITS.context.maxBytes + 1);
          await file.close();
        }),
        new RegExp(`context is larger than ${SANDBOX_LIMITS.context.maxBytes} bytes`),
      ],
    ];

    it.each(cases)("%s: internal, naming the exercise's problem, nothing built", async (what, make, problem) => {
      const exerciseId = await make();
      const c = await h.client(live, `context-${exerciseId.split("/")[0]}`);
      const tagsBefore = live.buildTags.length;
      const runId = h.start(c, SOLUTION, { exerciseId });
      const other = await bystander();
      const error = await c.next("error", runId, 30_000);
      expect(error.code).toBe("internal");
      expect(error.message).toMatch(/^This exercise is broken, so nothing was built \(/);
      expect(error.message).toMatch(problem);
      expect(error.message).toMatch(/Tell the course staff; your Dockerfile is not the problem\.$/);
      if (what.startsWith("a symbolic")) {
        // The course loader refused it before a run existed: no row, no `finished`.
        expect(h.row(runId)).toBeUndefined();
      } else {
        expect(await c.next("finished", runId)).toMatchObject({ state: "error" });
        await expect.poll(() => h.row(runId)).toMatchObject({ state: "error", errorCode: "internal", errorMessage: expect.stringMatching(problem) });
      }
      expect(c.log.some((m) => m.type === "step" && m.runId === runId)).toBe(false);
      await other.done();
      expect(live.buildTags.length).toBe(tagsBefore + 1); // the bystander's build, and nothing else
      c.ws.close();
    });
  });

  describe("parser abuse", () => {
    const continued = (lines: number, escape = "\\") => `RUN echo start ${escape}\n${`  more ${escape}\n`.repeat(lines - 2)}  end\n`;

    it("a 1 MB Dockerfile: refused without parsing (frame_too_large naming the Dockerfile cap); the connection then builds", async () => {
      const c = await h.client(live, "megabyte");
      const runId = c.start(FIXTURE_EXERCISE_ID, `FROM ${BUSYBOX}\n${"RUN echo padding-padding-padding\n".repeat(32_000)}`);
      const error = await Promise.race([
        c.next("error", null, 10_000),
        c.closed.then((code) => {
          throw new Error(`the runner closed the connection (code ${code})`);
        }),
      ]);
      expect(error).toMatchObject({ code: "frame_too_large", message: expect.stringMatching(/A Dockerfile may be up to 64 KiB/) });
      expect(h.row(runId)).toBeUndefined();
      const ok = h.start(c, SOLUTION);
      expect(await c.next("finished", ok, 60_000)).toMatchObject({ state: "passed" });
      c.ws.close();
    });

    it.each([
      ["thousands of continuations (over the line cap)", `FROM ${BUSYBOX}\n${continued(SANDBOX_LIMITS.dockerfile.maxLines + 1_000)}`, "too-many-lines"],
      ["a continuation chain within the line cap but over the continuation cap", `FROM ${BUSYBOX}\n${continued(1_500)}`, "continuation-too-long"],
      ["a chain kept going through comment lines", `FROM ${BUSYBOX}\nRUN echo a \\\n${"# still going\n  b \\\n".repeat(600)}  end\n`, "continuation-too-long"],
      ["a backtick chain under # escape=`", `# escape=\`\nFROM ${BUSYBOX}\n${continued(1_500, "`")}`, "continuation-too-long"],
      ["one 60 KB line", `FROM ${BUSYBOX}\nRUN echo ${"x".repeat(60_000)}\n`, "line-too-long"],
    ])("%s: dockerfile_invalid with its rule, nothing built, the runner answers /health and builds for others", async (what, dockerfile, rule) => {
      expect(Buffer.byteLength(dockerfile)).toBeLessThanOrEqual(SANDBOX_LIMITS.dockerfile.maxBytes);
      const c = await h.client(live, `parser-${rule}-${what.length}`);
      const runId = h.start(c, dockerfile);
      const error = await h.expectRefusedWithoutBuild(c, runId, "dockerfile_invalid", /^This Dockerfile cannot be read: /);
      expect(error.problems?.map((p) => p.rule)).toContain(rule);
      expect((await fetch(`${live.httpUrl}/health`)).status).toBe(200);
      c.ws.close();
    });

    it("a bystander still builds after the parser attacks", async () => {
      const other = await bystander();
      await other.done();
    });
  });

  // Last: a summary over every run this file started.
  it("leaves no Submission queued or running, no image of any run and no check container of this file", async () => {
    await h.expectAllSettled();
    const tags = h.runners.flatMap((r) => r.buildTags);
    expect(tags.length).toBeGreaterThan(10);
    expect(new Set(tags).size).toBe(tags.length);
    for (const t of tags) expect(t).toMatch(RUN_TAG);
    const containers = await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } });
    expect(containers.filter((c) => tags.includes(c.Image))).toEqual([]);
  });
});

type SeenRequest = { method: string; path: string; headers: Record<string, string> };

/**
 * A unix socket that passes every byte to the real engine and notes each HTTP request's line and
 * headers (bodies are not parsed: request heads are picked out of the byte stream as it passes).
 */
async function engineProxy(socketPath: string) {
  const requests: SeenRequest[] = [];
  const server = createNetServer((client) => {
    const engine = createConnection("/var/run/docker.sock");
    client.on("data", (chunk: Buffer) => {
      for (const head of chunk.toString("latin1").matchAll(/(GET|POST|PUT|DELETE|HEAD) (\/\S*) HTTP\/1\.[01]\r\n([\s\S]*?)\r\n\r\n/g)) {
        const headers = Object.fromEntries(
          head[3]!.split("\r\n").map((l) => [l.slice(0, l.indexOf(":")).trim().toLowerCase(), l.slice(l.indexOf(":") + 1).trim()]),
        );
        requests.push({ method: head[1]!, path: head[2]!, headers });
      }
    });
    client.pipe(engine).pipe(client);
    const end = () => {
      client.destroy();
      engine.destroy();
    };
    client.on("error", end).on("close", end);
    engine.on("error", end).on("close", end);
  });
  await mkdir(path.dirname(socketPath), { recursive: true });
  await new Promise<void>((r) => server.listen(socketPath, r));
  return {
    path: socketPath,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
