"use client";

/**
 * A progress bar for a build under way: steps done of the steps the Dockerfile will make
 * (lib/insight/build-progress.ts), with the step running now. Not a silent wait on long builds.
 */
import { buildProgress, type BuildPlan } from "@/lib/insight/build-progress";
import type { BuildStep } from "@/lib/protocol";
import "./stages.css";

/** `[builder 3/5] RUN go build …` → `builder · RUN go build …`. */
const shortName = (name: string) => name.replace(/^\[(?:(\S+) )?\d+\/\d+\] /, (_, stage?: string) => (stage ? `${stage} · ` : ""));

export function BuildProgress({ plan, steps }: { plan: BuildPlan; steps: readonly BuildStep[] }) {
  const { done, total, current } = buildProgress(plan, steps);
  if (total === 0) return null;
  const percent = Math.round((done / total) * 100);
  return (
    <div className="build-progress">
      <div
        className="build-progress-track"
        role="progressbar"
        aria-label="Build progress"
        aria-valuemin={0}
        aria-valuemax={total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${total} steps done`}
      >
        <div className="build-progress-fill" style={{ width: `${Math.max(percent, 2)}%` }} />
      </div>
      <div className="build-progress-text">
        <span className="build-progress-count">
          {done} / {total} steps
        </span>
        {current ? <code title={current}>{shortName(current)}</code> : null}
      </div>
    </div>
  );
}
