/**
 * Section 5: the runner process's resident memory (VmRSS from /proc) at idle, at its peak while
 * it relays log floods (sampled every 20 ms, and the kernel's own high-water mark VmHWM), and
 * after a number of runs.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { coldDockerfile, newNonce } from "./cold";
import type { RunnerChild } from "./runner-child";
import { connectLearner, timedRun, type RunTiming } from "./ws-run";

/** A build step that prints far more than the 1 MiB build-output cap, as fast as it can. */
export const FLOOD_DOCKERFILE = `FROM stagecraft/busybox:1.35
RUN yes "stagecraft bench: a log flood line, long enough to fill frames quickly" | head -c 8000000
`;

export type MemorySample = { rssKiB: number; hwmKiB: number };

/** A few samples a little apart, the median RSS: one sample can catch a GC mid-way. */
export async function idleMemory(runner: RunnerChild): Promise<MemorySample> {
  const samples: MemorySample[] = [];
  for (let i = 0; i < 5; i += 1) {
    samples.push(await runner.memory());
    await sleep(200);
  }
  const rss = samples.map((s) => s.rssKiB).sort((a, b) => a - b)[2]!;
  return { rssKiB: rss, hwmKiB: samples.at(-1)!.hwmKiB };
}

export type FloodResult = { runs: RunTiming[]; peakRssKiB: number; hwmKiB: number; samples: number };

export async function floodPeak(opts: { runner: RunnerChild; exerciseId: string; floods: number; onRunnerRun(): void }): Promise<FloodResult> {
  const learner = await connectLearner(opts.runner, `bench-flood-${newNonce()}`);
  let peak = 0;
  let samples = 0;
  let sampling = true;
  const sampler = (async () => {
    while (sampling) {
      const m = await opts.runner.memory();
      peak = Math.max(peak, m.rssKiB);
      samples += 1;
      await sleep(20);
    }
  })();
  const runs: RunTiming[] = [];
  try {
    for (let i = 0; i < opts.floods; i += 1) {
      // A flooding step that completed before the cap stopped the build is cached like any other,
      // and a cached step prints nothing: every flood needs a step of its own.
      runs.push(await timedRun(learner, opts.exerciseId, coldDockerfile(FLOOD_DOCKERFILE, newNonce())));
      opts.onRunnerRun();
    }
  } finally {
    sampling = false;
    await sampler;
    learner.close();
  }
  return { runs, peakRssKiB: peak, hwmKiB: (await opts.runner.memory()).hwmKiB, samples };
}
