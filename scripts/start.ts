/**
 * Starts the whole product on one machine: the sandbox runner and the Next.js web app, with
 * prefixed output, and stops both when either exits or on Ctrl+C.
 *
 *   tsx scripts/start.ts         production (`next start`; run `npm run build` first)
 *   tsx scripts/start.ts --dev   development (`next dev`, lessons reload on edit)
 */
import { spawn, type ChildProcess } from "node:child_process";
import { parseEnv, runnerPublicUrl } from "../lib/env-schema";

const dev = process.argv.includes("--dev");
const env = parseEnv(process.env);

type Service = { name: string; color: string; cmd: string; args: string[] };

const services: Service[] = [
  { name: "runner", color: "\x1b[36m", cmd: "npx", args: ["tsx", "sandbox-runner/src/main.ts"] },
  {
    name: "web",
    color: "\x1b[35m",
    cmd: "npx",
    args: ["next", dev ? "dev" : "start", "--port", String(env.PORT)],
  },
];

const children: ChildProcess[] = [];
let stopping = false;

function prefixLines(name: string, color: string, stream: NodeJS.ReadableStream, out: NodeJS.WriteStream) {
  let pending = "";
  stream.setEncoding("utf8");
  stream.on("data", (chunk: string) => {
    pending += chunk;
    const lines = pending.split("\n");
    pending = lines.pop() ?? "";
    for (const line of lines) out.write(`${color}${name.padEnd(6)}\x1b[0m │ ${line}\n`);
  });
}

function stopAll(code: number) {
  if (stopping) return;
  stopping = true;
  for (const child of children) if (child.exitCode === null) child.kill("SIGTERM");
  // Give the runner time to mark in-flight runs and clean up, then leave.
  setTimeout(() => process.exit(code), 8000).unref();
  Promise.all(children.map((c) => new Promise((r) => (c.exitCode !== null ? r(null) : c.once("exit", r))))).then(() =>
    process.exit(code),
  );
}

for (const service of services) {
  const child = spawn(service.cmd, service.args, { env: process.env, stdio: ["ignore", "pipe", "pipe"] });
  children.push(child);
  prefixLines(service.name, service.color, child.stdout!, process.stdout);
  prefixLines(service.name, service.color, child.stderr!, process.stderr);
  child.on("exit", (code, signal) => {
    if (!stopping) {
      console.error(`${service.name} exited (${signal ?? code}); stopping everything.`);
      stopAll(code ?? 1);
    }
  });
}

console.log(
  `Stagecraft ${dev ? "(dev) " : ""}starting: web http://localhost:${env.PORT}  runner ${runnerPublicUrl(env)}  (Ctrl+C stops both)`,
);
process.on("SIGINT", () => stopAll(0));
process.on("SIGTERM", () => stopAll(0));
