/**
 * The runner the bench measures, as a process of its own (so its resident memory is the runner's
 * alone): the same `startRunner` wiring as `sandbox-runner/src/main.ts`, configured by the same
 * environment, with two differences that matter on an engine shared with other work:
 *
 * - no start-up sweep: main.ts removes every `stagecraft-run/*` image and labelled container,
 *   which would include other runners' and tests' live ones;
 * - the build cgroup caps are left as they are (the bench reports what they hold): rewriting them
 *   could undo a lower cap another suite set for its own test. Raw builds run under the same
 *   cgroup, so the comparison is fair either way.
 *
 * Prints one `listening <url>` line on stdout once the socket is open; stops on SIGTERM or SIGINT.
 */
import { startRunner } from "../../sandbox-runner/src/main";

const quiet = { info: () => undefined, warn: (m: string, err?: unknown) => console.error(`[runner] ${m}`, err instanceof Error ? err.message : (err ?? "")) };

async function main() {
  const started = await startRunner({ sweepEngine: false, applyCgroupLimits: false, log: quiet });
  console.log(`listening ${started.url}`);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    // Running builds are aborted and cleaned up by the runner itself, as on a deploy.
    void started.stop().then(() => process.exit(0));
  };
  process.on("SIGTERM", stop);
  // Ctrl-C on the bench reaches this process too (same process group).
  process.on("SIGINT", stop);
}

main().catch((err: unknown) => {
  console.error("[runner] failed to start:", err);
  process.exit(1);
});
