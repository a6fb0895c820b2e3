/**
 * `npm test`: every check the project has, in dependency order, with a summary table and the
 * plain closing line CI reads ("Tests: N passed, N failed").
 *
 * Setup steps (images, database) stop the run when they fail, since nothing after them can pass;
 * test steps all run so one failure does not hide another.
 *
 *   tsx scripts/check.ts                 everything
 *   tsx scripts/check.ts --skip e2e,engine   leave suites out (for quick local loops)
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";

type Step = {
  name: string;
  cmd: string[];
  /** A failing setup step ends the run. */
  setup?: boolean;
  /** Vitest project whose JSON report gives the test counts. */
  vitest?: string;
};

const reportDir = path.resolve("tmp/test-reports");

function vitest(project: string): string[] {
  return [
    "npx",
    "vitest",
    "run",
    "--project",
    project,
    "--reporter=default",
    "--reporter=json",
    `--outputFile.json=${path.join(reportDir, `${project}.json`)}`,
  ];
}

const steps: Step[] = [
  { name: "typecheck", cmd: ["npx", "tsc", "--noEmit"] },
  { name: "db:check", cmd: ["npm", "run", "--silent", "db:check"] },
  { name: "lessons:check", cmd: ["npm", "run", "--silent", "lessons:check"] },
  { name: "images:prepare", cmd: ["npm", "run", "--silent", "images:prepare"], setup: true },
  { name: "db:migrate", cmd: ["npm", "run", "--silent", "db:migrate"], setup: true },
  { name: "unit", cmd: vitest("unit"), vitest: "unit" },
  { name: "engine", cmd: vitest("engine"), vitest: "engine" },
  // Twice: a cached rebuild must grade the same as a cold one (flaky checks show up here).
  { name: "lessons:verify", cmd: ["npm", "run", "--silent", "lessons:verify", "--", "--repeat", "2"] },
  { name: "build", cmd: ["npm", "run", "--silent", "build"], setup: true },
  { name: "e2e", cmd: vitest("e2e"), vitest: "e2e" },
];

type Outcome = { name: string; ok: boolean; seconds: number; passed: number; failed: number; skipped: number };

function run(cmd: string[]): Promise<number> {
  return new Promise((resolve) => {
    const [bin, ...args] = cmd;
    const child = spawn(bin!, args, { stdio: "inherit", env: process.env });
    child.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0)));
    child.on("error", () => resolve(127));
  });
}

function vitestCounts(project: string): { passed: number; failed: number; skipped: number } | null {
  try {
    const json = JSON.parse(readFileSync(path.join(reportDir, `${project}.json`), "utf8")) as {
      numPassedTests: number;
      numFailedTests: number;
      numPendingTests: number;
      numTodoTests: number;
    };
    return { passed: json.numPassedTests, failed: json.numFailedTests, skipped: json.numPendingTests + json.numTodoTests };
  } catch {
    return null;
  }
}

/** `--skip a,b` or `--skip=a,b`: steps to leave out. */
export function skipList(args: string[]): Set<string> {
  const names: string[] = [];
  args.forEach((arg, i) => {
    if (arg.startsWith("--skip=")) names.push(...arg.slice("--skip=".length).split(","));
    else if (arg === "--skip" && args[i + 1] !== undefined) names.push(...args[i + 1]!.split(","));
  });
  return new Set(names.map((n) => n.trim()).filter(Boolean));
}

/** The PostgreSQL suite runs when a local cluster set up by install-prereqs.sh answers. */
function defaultPostgresUrl() {
  if (process.env.TEST_POSTGRES_URL) return;
  const ready = spawnSync("pg_isready", ["-q", "-h", "127.0.0.1"], { stdio: "ignore" });
  if (ready.status === 0) {
    process.env.TEST_POSTGRES_URL = "postgresql://stagecraft:stagecraft@127.0.0.1:5432/stagecraft_test";
  }
}

async function main() {
  defaultPostgresUrl();
  const skip = skipList(process.argv.slice(2));
  const unknown = [...skip].filter((name) => !steps.some((step) => step.name === name));
  if (unknown.length > 0) {
    console.error(`--skip names no step: ${unknown.join(", ")} (steps: ${steps.map((step) => step.name).join(", ")})`);
    process.exit(2);
  }
  rmSync(reportDir, { recursive: true, force: true });
  mkdirSync(reportDir, { recursive: true });
  const outcomes: Outcome[] = [];
  for (const step of steps) {
    if (skip.has(step.name)) continue;
    console.log(`\n\x1b[1m▶ ${step.name}\x1b[0m  ${step.cmd.join(" ")}`);
    const started = Date.now();
    const code = await run(step.cmd);
    const seconds = (Date.now() - started) / 1000;
    const counts = step.vitest ? vitestCounts(step.vitest) : null;
    const ok = code === 0;
    outcomes.push({
      name: step.name,
      ok,
      seconds,
      passed: counts ? counts.passed : ok ? 1 : 0,
      failed: counts ? counts.failed + (ok || counts.failed > 0 ? 0 : 1) : ok ? 0 : 1,
      skipped: counts?.skipped ?? 0,
    });
    if (!ok && step.setup) {
      console.error(`\n${step.name} failed; the steps after it need it, so the run stops here.`);
      break;
    }
  }
  console.log("\nstep               result   time     passed  failed  skipped");
  for (const o of outcomes) {
    console.log(
      `${o.name.padEnd(18)} ${(o.ok ? "ok" : "FAILED").padEnd(8)} ${`${o.seconds.toFixed(0)}s`.padEnd(8)} ${String(o.passed).padStart(6)}  ${String(o.failed).padStart(6)}  ${String(o.skipped).padStart(7)}`,
    );
  }
  const total = outcomes.reduce(
    (t, o) => ({ passed: t.passed + o.passed, failed: t.failed + o.failed, skipped: t.skipped + o.skipped }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  // Every step that was not skipped ran (a failed setup step stops early) and passed.
  const allOk = outcomes.length === steps.filter((step) => !skip.has(step.name)).length && outcomes.every((o) => o.ok);
  console.log(`\nTests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
  process.exit(allOk ? 0 : 1);
}

if (import.meta.url === `file://${process.argv[1]}`) void main();
