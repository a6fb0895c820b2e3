/**
 * `npm run images:prepare`: builds the catalog's base images on the local engine (no registry
 * needed) and skips those already current. Part of the quick start and of CI.
 *
 *   tsx scripts/images-prepare.ts [--force] [--only <ref>] [--verbose]
 *
 * Environment: DOCKER_SOCKET (default /var/run/docker.sock), STAGECRAFT_PULL_BASE (1: pull
 * debian:bookworm-slim first, 0: never, unset: try once and fall back to debootstrap),
 * STAGECRAFT_DEBIAN_MIRROR (default http://deb.debian.org/debian), TMPDIR (debootstrap's work dir),
 * STAGECRAFT_BUILD_CA_FILE (CA bundle for the builds that download from the npm registry; default:
 * NODE_EXTRA_CA_CERTS, SSL_CERT_FILE or the system bundle, whichever is found first).
 */
import { parseArgs } from "node:util";
import { z } from "zod";
import { EnvSchema } from "../lib/env-schema";
import { IMAGE_CATALOG, findCatalogImage } from "../lib/image-catalog";
import { formatBytes } from "../lib/report";
import { createDocker, type Docker } from "../sandbox-runner/src/engine";
import { readBuildCaBundle, SYSTEM_CA_BUNDLE } from "../sandbox-runner/images/build-ca";
import { prepareImages, type ImageOutcome, type PrepareEvent } from "../sandbox-runner/images/prepare";
import { PullBaseSetting } from "../sandbox-runner/images/pull-base";
import { initialProgress, nextProgress, progressLine, redraw } from "./prepare-progress";

const USAGE = `Usage: tsx scripts/images-prepare.ts [--force] [--only <ref>] [--verbose]

Builds the Stagecraft base images (${IMAGE_CATALOG.map((i) => i.ref).join(", ")}).
Images whose recipe is unchanged are skipped.

  --force         rebuild even if up to date (with --only: just that image)
  --only <ref>    prepare one image (and the parents it needs)
  --verbose, -v   show every line of build output`;

const ScriptEnv = EnvSchema.pick({ DOCKER_SOCKET: true }).extend({
  STAGECRAFT_PULL_BASE: PullBaseSetting,
  STAGECRAFT_DEBIAN_MIRROR: z.url().optional(),
  STAGECRAFT_BUILD_CA_FILE: z.string().min(1).optional(),
  // Read only to find the CA bundle this host already trusts (a TLS-inspecting proxy's, say).
  NODE_EXTRA_CA_CERTS: z.string().optional(),
  SSL_CERT_FILE: z.string().optional(),
});

class UsageError extends Error {}

function parseCli(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        force: { type: "boolean", default: false },
        only: { type: "string" },
        verbose: { type: "boolean", short: "v", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      strict: true,
    }));
  } catch (err) {
    throw new UsageError(`${(err as Error).message}\n\n${USAGE}`);
  }
  if (values.only !== undefined && !findCatalogImage(values.only)) {
    throw new UsageError(`--only ${values.only}: not a catalog image. Choose one of: ${IMAGE_CATALOG.map((i) => i.ref).join(", ")}`);
  }
  return values;
}

/** Connects or says exactly why not: the first thing a newcomer's machine gets wrong. */
async function connect(socket: string): Promise<{ docker: Docker; version: string }> {
  const docker = createDocker(socket);
  try {
    const version = (await Promise.race([
      docker.version(),
      new Promise((_, reject) => setTimeout(() => reject(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })), 5_000).unref()),
    ])) as { Version: string; ApiVersion: string };
    return { docker, version: `${version.Version} (API ${version.ApiVersion})` };
  } catch (err) {
    const code = (err as { code?: string }).code;
    const why =
      code === "ENOENT"
        ? `there is no socket at ${socket}. Is Docker installed and running? (sudo bash scripts/install-prereqs.sh installs and starts it)`
        : code === "EACCES"
          ? `permission denied on ${socket}. Run as root, or add your user to the docker group and log in again.`
          : code === "ECONNREFUSED"
            ? `nothing answers on ${socket}. Start the engine: sudo systemctl start docker (or sudo bash scripts/install-prereqs.sh).`
            : `${(err as Error).message}. Check that dockerd is running and DOCKER_SOCKET points at it.`;
    throw new UsageError(`Cannot reach the Docker engine: ${why}`);
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)}s`;

/**
 * Prints events as they come: step lines with the time since the image started. On a terminal
 * (and without --verbose) a live progress line for the image being built stays under them
 * (prepare-progress.ts); elsewhere only the plain lines.
 */
function createPrinter(verbose: boolean, live: { columns: () => number; total: number | null } | null) {
  let imageStart = Date.now();
  let lastLine = Date.now();
  let progress = initialProgress(live?.total ?? null);
  let shown = "";
  const draw = (above: string) => {
    if (!live) return;
    shown = progressLine(progress, Date.now(), live.columns());
    process.stdout.write(redraw(above, shown));
  };
  const line = (text: string) => {
    lastLine = Date.now();
    if (live) draw(`${text}\n`);
    else process.stdout.write(`${text}\n`);
  };
  const stamp = () => `[${seconds(Date.now() - imageStart).padStart(6)}]`;
  let building = false;
  let lastOutput = "";
  // Long apt steps print nothing at step level for a while: say we are alive (the live line
  // does that on a terminal, with its clock and bar).
  const heartbeat = setInterval(() => {
    if (live) draw("");
    else if (building && Date.now() - lastLine > 15_000) line(`  ${stamp()} … still working`);
  }, live ? 500 : 5_000);
  heartbeat.unref();
  return {
    event(e: PrepareEvent) {
      progress = nextProgress(progress, e, Date.now());
      switch (e.type) {
        case "image-start":
          imageStart = Date.now();
          building = e.action === "build";
          if (building) line(`\n▸ ${e.ref}: building (${e.reason})`);
          break;
        case "step":
          // Verbose output already printed this "Step n/m" line, with its time.
          if (verbose && e.text === lastOutput) break;
          line(`  ${stamp()} ${e.text}`);
          break;
        case "output":
          lastOutput = e.text;
          if (verbose) line(`  ${stamp()} │ ${e.text}`);
          break;
        case "image-end":
          building = false;
          printOutcome(e.outcome, verbose, line);
          break;
      }
    },
    stop: () => {
      clearInterval(heartbeat);
      if (live && shown) process.stdout.write(redraw("", ""));
    },
  };
}

function printOutcome(o: ImageOutcome, verbose: boolean, line: (text: string) => void) {
  const size = o.bytes === null ? "" : `, ${formatBytes(o.bytes)}`;
  if (o.status === "up-to-date") line(`✓ ${o.ref}: up to date${size}`);
  else if (o.status === "built") line(`✔ ${o.ref}: built in ${seconds(o.ms)}${size}`);
  else if (o.status === "blocked") line(`– ${o.ref}: not built, ${o.reason}`);
  else {
    line(`✖ ${o.ref}: failed after ${seconds(o.ms)}: ${o.error ?? "unknown error"}`);
    if (!verbose && o.outputTail?.length) {
      line(`  last build output:`);
      for (const l of o.outputTail) line(`  │ ${l}`);
    }
  }
}

function table(outcomes: ImageOutcome[]): string {
  const rows = [
    ["IMAGE", "STATUS", "SOURCE", "SIZE", "TIME", "STANDS IN FOR"],
    ...outcomes.map((o) => [
      o.ref,
      o.status,
      o.source ?? "-",
      o.bytes === null ? "-" : formatBytes(o.bytes),
      seconds(o.ms),
      findCatalogImage(o.ref)?.standsInFor ?? "-",
    ]),
  ];
  const widths = rows[0]!.map((_, col) => Math.max(...rows.map((r) => (r[col] ?? "").length)));
  return rows.map((r) => r.map((cell, col) => cell.padEnd(widths[col] ?? 0)).join("  ").trimEnd()).join("\n");
}

async function main(): Promise<number> {
  const started = Date.now();
  const cli = parseCli(process.argv.slice(2));
  if (cli.help) {
    console.log(USAGE);
    return 0;
  }
  const parsedEnv = ScriptEnv.safeParse(process.env);
  if (!parsedEnv.success) throw new UsageError(`invalid environment:\n${z.prettifyError(parsedEnv.error)}`);
  const env = parsedEnv.data;
  const { docker, version } = await connect(env.DOCKER_SOCKET);
  const scope = cli.only ?? `${IMAGE_CATALOG.length} catalog images`;
  console.log(`Preparing ${scope} on Docker ${version}${cli.force ? ", forced rebuild" : ""}`);

  const abort = new AbortController();
  const onSignal = () => {
    console.error("\nInterrupted: stopping the current build and cleaning up…");
    abort.abort();
  };
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  const tty = process.stdout.isTTY && !cli.verbose && process.env.TERM !== "dumb";
  const printer = createPrinter(
    cli.verbose,
    tty ? { columns: () => process.stdout.columns || 80, total: cli.only ? null : IMAGE_CATALOG.length } : null,
  );
  const outcomes = await prepareImages({
    docker,
    only: cli.only,
    force: cli.force,
    pullBase: env.STAGECRAFT_PULL_BASE,
    mirror: env.STAGECRAFT_DEBIAN_MIRROR,
    buildCaBundle: () =>
      readBuildCaBundle({
        required: env.STAGECRAFT_BUILD_CA_FILE,
        candidates: [env.NODE_EXTRA_CA_CERTS, env.SSL_CERT_FILE, SYSTEM_CA_BUNDLE],
      }),
    onEvent: printer.event,
    signal: abort.signal,
  }).finally(printer.stop);

  console.log(`\n${table(outcomes)}\n`);
  const bad = outcomes.filter((o) => o.status === "failed" || o.status === "blocked");
  const built = outcomes.filter((o) => o.status === "built").length;
  if (abort.signal.aborted) return 130;
  if (bad.length > 0) {
    console.error(`images:prepare: ${bad.length} image(s) not ready (${bad.map((o) => o.ref).join(", ")}); see the messages above.`);
    return 1;
  }
  console.log(`All images ready in ${seconds(Date.now() - started)} (${built} built, ${outcomes.length - built} up to date).`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A usage or setup problem is one readable sentence; anything else is a bug: show the stack.
    console.error(`images:prepare: ${err instanceof UsageError ? err.message : String((err as Error).stack ?? err)}`);
    process.exit(2);
  },
);
