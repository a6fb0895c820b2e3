/**
 * Smoke test of `npm run bench` end to end: the quickest section against the real engine, through
 * a real runner child process. It proves the plumbing (engine check, runner start, learners over
 * the WebSocket, tables, JSON and Markdown) and nothing about speed: figures are never asserted.
 */
import { execFile } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BenchDocument } from "./bench/report";

const run = promisify(execFile);

describe("npm run bench -- --quick --only queue", () => {
  let out = "";
  beforeAll(async () => {
    out = await mkdtemp(path.join(tmpdir(), "stagecraft-bench-smoke-"));
  });
  afterAll(() => rm(out, { recursive: true, force: true }));

  it("measures the queue through a runner process and writes the table as text, JSON and Markdown", async () => {
    const { stdout } = await run("npm", ["run", "bench", "--", "--quick", "--only", "queue", "--out", out], { timeout: 180_000 });
    expect(stdout).toMatch(/Docker \d+\.\d+/);
    expect(stdout).toMatch(/load average \(1\/5\/15 min\) at start [\d.]+/);
    expect(stdout).toContain("4. Queue: tiny busybox builds");

    const doc = JSON.parse(await readFile(path.join(out, "latest.json"), "utf8")) as BenchDocument;
    const levels = doc.results.queue!;
    expect(levels.map((l) => [l.learners, l.runs, l.notPassed])).toEqual([
      [1, 2, {}],
      [5, 5, {}],
    ]);
    for (const level of levels) {
      expect(level.waitsMs).toHaveLength(level.runs);
      expect(level.waitsMs.every((ms) => Number.isFinite(ms) && ms >= 0)).toBe(true);
    }
    expect(doc.machine.cpus).toBeGreaterThan(0);
    expect(doc.results.graded).toBeUndefined();
    const markdown = await readFile(path.join(out, "latest.md"), "utf8");
    expect(markdown).toContain("| learners | runs | busy answers | throughput |");
    expect(markdown.match(/^\| (1|5) \| /gm)).toHaveLength(2);
  });

  it("stops with a clear message and exit code 2 when the engine is not there", async () => {
    const err = await run("npm", ["run", "bench", "--", "--quick", "--only", "queue"], {
      env: { ...process.env, DOCKER_SOCKET: path.join(tmpdir(), "no-engine-here.sock") },
    }).then(
      () => null,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain("The Docker engine at");
    expect(err?.stderr).toContain("is not answering");
  });

  it("stops with a clear message and exit code 2 when the database does not answer", async () => {
    const url = "postgresql://bench:not-shown@127.0.0.1:1/nothing";
    const err = await run("npm", ["run", "bench", "--", "--quick", "--only", "queue", "--out", out, "--database-url", url], { timeout: 120_000 }).then(
      () => null,
      (e: { code?: number; stderr?: string }) => e,
    );
    expect(err?.code).toBe(2);
    expect(err?.stderr).toContain("The runner cannot reach the database at postgresql://bench:***@127.0.0.1:1/nothing");
    expect(err?.stderr).not.toContain("not-shown");
  });
});
