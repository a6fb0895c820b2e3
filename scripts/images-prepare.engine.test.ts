/**
 * The catalog images on the real engine: `images:prepare` makes them, they hold what the catalog
 * says, and preparing again changes nothing. A cold run (debootstrap + nine apt builds + the npm
 * cache) takes minutes; when the images are already current the whole file takes seconds. What the
 * language and distroless images do for a learner's build is in
 * sandbox-runner/images/catalog-images.engine.test.ts.
 */
import { spawn } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { IMAGE_CATALOG } from "../lib/image-catalog";
import { createDocker } from "../sandbox-runner/src/engine";
import { prepareImages, type PrepareEvent } from "../sandbox-runner/images/prepare";
import { LABELS, recipeHashes, RECIPES, type Recipe } from "../sandbox-runner/images/recipes";

const docker = createDocker(process.env.DOCKER_SOCKET ?? "/var/run/docker.sock");
const repoRoot = path.resolve(import.meta.dirname, "..");
const COLD_PREPARE_MS = 1_800_000;

function runPrepare(args: string[] = []): Promise<{ code: number | null; output: string; ms: number }> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(path.join(repoRoot, "node_modules/.bin/tsx"), ["scripts/images-prepare.ts", ...args], {
      cwd: repoRoot,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (d: Buffer) => (output += d.toString()));
    child.stderr.on("data", (d: Buffer) => (output += d.toString()));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, output, ms: Date.now() - started }));
  });
}

/** Runs `cmd` in a throwaway container with no network; returns its combined output. */
async function runIn(image: string, cmd: string[], user?: string): Promise<{ exitCode: number; output: string }> {
  const container = await docker.createContainer({
    Image: image,
    Cmd: cmd,
    User: user,
    Tty: true, // one undemuxed stream: stdout and stderr in order
    HostConfig: { NetworkMode: "none" },
  });
  try {
    await container.start();
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    return { exitCode: StatusCode, output: logs.toString("utf8").replace(/\r\n/g, "\n") };
  } finally {
    await container.remove({ force: true });
  }
}

const imageIds = new Map<string, string>();

describe("images:prepare on the real engine", () => {
  beforeAll(async () => {
    const run = await runPrepare();
    if (run.code !== 0) throw new Error(`images:prepare failed (exit ${run.code}):\n${run.output}`);
    for (const { ref } of IMAGE_CATALOG) imageIds.set(ref, (await docker.getImage(ref).inspect()).Id);
  }, COLD_PREPARE_MS);

  it("leaves every catalog image present, labelled with its recipe hash and what it stands in for", async () => {
    const hashes = await recipeHashes(RECIPES);
    for (const image of IMAGE_CATALOG) {
      const info = await docker.getImage(image.ref).inspect();
      expect(info.Config.Labels?.[LABELS.recipeHash], image.ref).toBe(hashes.get(image.ref));
      expect(info.Config.Labels?.[LABELS.standsInFor], image.ref).toBe(image.standsInFor);
      expect(info.RepoTags).toContain(image.ref);
      expect(info.RepoTags?.some((t) => !t.startsWith("stagecraft/"))).toBe(false);
    }
  });

  it("debian: a slim bookworm with apt and without docs", async () => {
    const run = await runIn("stagecraft/debian:bookworm-slim", [
      "sh",
      "-c",
      "cat /etc/debian_version && apt-get --version | head -1 && ls /usr/share/doc/bash",
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.output).toMatch(/^12\.\d+/);
    expect(run.output).toMatch(/apt 2\.6/);
    expect(run.output.trim().endsWith("copyright")).toBe(true);
    const { Size } = await docker.getImage("stagecraft/debian:bookworm-slim").inspect();
    expect(Size).toBeLessThan(100 * 1024 * 1024);
  });

  it("golang: go 1.19 on PATH builds a standard-library program offline, even as a non-root user", async () => {
    const version = await runIn("stagecraft/golang:1.19", ["go", "version"]);
    expect(version.output).toMatch(/go version go1\.19\.\d+ linux\/amd64/);
    const program = 'package main\nimport "fmt"\nfunc main() { fmt.Println("hello from go") }\n';
    const script = [
      `cd "$(mktemp -d)"`,
      `printf '%s' '${program}' > main.go`,
      "go mod init example.com/hello 2>/dev/null",
      `CGO_ENABLED=0 go build -ldflags "-w -s" -o hello .`,
      "./hello",
    ].join(" && ");
    for (const user of [undefined, "1000:1000"]) {
      const build = await runIn("stagecraft/golang:1.19", ["sh", "-c", script], user);
      expect(build.output, `as ${user ?? "root"}`).toContain("hello from go");
      expect(build.exitCode).toBe(0);
    }
  });

  it("gcc: gcc 12 and make compile and link a C program offline, against glibc and against musl", async () => {
    const run = await runIn("stagecraft/gcc:12", [
      "sh",
      "-c",
      `gcc --version | head -1 && make --version | head -1 && cd /tmp && printf '#include <stdio.h>\\nint main(void){puts("hello from c");return 0;}\\n' > h.c && gcc -static -O2 -o h h.c && ./h && musl-gcc -static -O2 -o hm h.c && ./hm && stat -c 'size %s %n' h hm`,
    ]);
    expect(run.exitCode).toBe(0);
    expect(run.output).toMatch(/gcc \(Debian 12\.\d/);
    expect(run.output).toMatch(/GNU Make 4/);
    expect(run.output).toContain("hello from c\nhello from c");
    // The point of the lesson: the musl build is a fraction of the glibc one.
    const sizes = [...run.output.matchAll(/^size (\d+) (h|hm)$/gm)].map((m) => Number(m[1]));
    expect(sizes).toHaveLength(2);
    expect(sizes[1]!).toBeLessThan(sizes[0]! / 4);
  });

  it("busybox: a static busybox 1.35 under 5 MB with a non-root app user and a writable /tmp", async () => {
    const banner = await runIn("stagecraft/busybox:1.35", ["busybox"]);
    expect(banner.output).toMatch(/BusyBox v1\.35\.\d/);
    const user = await runIn("stagecraft/busybox:1.35", ["sh", "-c", "id && touch /tmp/ok && echo tmp-ok"], "app");
    expect(user.output).toContain("uid=65532(app) gid=65532(app)");
    expect(user.output).toContain("tmp-ok");
    const noPackages = await runIn("stagecraft/busybox:1.35", ["sh", "-c", "ls /usr/bin/apt /usr/bin/dpkg /usr/lib 2>&1; echo done"]);
    expect(noPackages.output).toMatch(/No such file or directory[\s\S]*No such file or directory[\s\S]*done/);
    const { Size } = await docker.getImage("stagecraft/busybox:1.35").inspect();
    expect(Size).toBeLessThan(5 * 1024 * 1024);
  });

  it("a second run is a no-op: every image up to date, same image IDs, done in seconds", async () => {
    const run = await runPrepare();
    expect(run.code, run.output).toBe(0);
    for (const { ref } of IMAGE_CATALOG) {
      expect(run.output).toContain(`✓ ${ref}: up to date`);
      expect((await docker.getImage(ref).inspect()).Id).toBe(imageIds.get(ref));
    }
    expect(run.output).toContain(`(0 built, ${IMAGE_CATALOG.length} up to date)`);
    expect(run.ms).toBeLessThan(15_000); // mostly tsx start-up; the engine calls take milliseconds
  });
});

describe("prepareImages with a probe recipe (a throwaway ref, not a catalog image)", () => {
  const probeRef = "stagecraft-test/images-prepare-probe:1";
  let dir = "";
  let probe: Recipe;

  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "stagecraft-probe-recipe-"));
    probe = { ref: probeRef, kind: "dockerfile", dir, parent: "stagecraft/busybox:1.35" };
  });
  afterAll(async () => {
    await docker.getImage(probeRef).remove({ force: true }).catch(() => {});
    await rm(dir, { recursive: true, force: true });
  });

  const prepareProbe = async () => {
    const events: PrepareEvent[] = [];
    const [outcome] = await prepareImages({ docker, recipes: [probe], onEvent: (e) => events.push(e) });
    return { outcome: outcome!, events };
  };

  it("builds when missing, skips when unchanged, rebuilds when the recipe changes", async () => {
    await writeFile(path.join(dir, "Dockerfile"), "FROM stagecraft/busybox:1.35\nRUN echo one > /probe\n");
    const first = await prepareProbe();
    expect(first.outcome).toMatchObject({ status: "built", reason: "missing", source: "dockerfile" });
    expect(first.events.some((e) => e.type === "step" && e.text.startsWith("Step 2/"))).toBe(true);

    const second = await prepareProbe();
    expect(second.outcome).toMatchObject({ status: "up-to-date", imageId: first.outcome.imageId });

    await writeFile(path.join(dir, "Dockerfile"), "FROM stagecraft/busybox:1.35\nRUN echo two > /probe\n");
    const third = await prepareProbe();
    expect(third.outcome).toMatchObject({ status: "built", reason: "recipe changed" });
    expect(third.outcome.imageId).not.toBe(first.outcome.imageId);
    expect((await runIn(probeRef, ["cat", "/probe"])).output.trim()).toBe("two");
    // The replaced image is removed, not left dangling.
    await expect(docker.getImage(first.outcome.imageId!).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });

  it("reports a failing recipe with the engine's message and the last output lines, and skips its children", async () => {
    await writeFile(path.join(dir, "Dockerfile"), "FROM stagecraft/busybox:1.35\nRUN echo about to fail && false\n");
    const child: Recipe = { ref: "stagecraft-test/images-prepare-probe-child:1", kind: "dockerfile", dir, parent: probeRef };
    const [outcome, childOutcome] = await prepareImages({ docker, recipes: [child, probe] });
    expect(outcome).toMatchObject({ ref: probeRef, status: "failed" });
    expect(outcome!.error).toMatch(/returned a non-zero code: 1/);
    expect(outcome!.outputTail?.join("\n")).toContain("about to fail");
    expect(childOutcome).toMatchObject({ ref: child.ref, status: "blocked", reason: `${probeRef} is not available` });
  });
});
