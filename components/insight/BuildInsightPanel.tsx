"use client";

/**
 * The "Build insight" area of the results: layers, waste and comparison as tabs (WAI-ARIA tabs:
 * arrow keys move between them). Each view is drawn from the stored insight; one that was not
 * available this run says why instead.
 */
import { useRef, useState, type KeyboardEvent } from "react";
import type { BuildInsight } from "@/lib/insight/index";
import { formatBytes } from "@/lib/report";
import { CompareView } from "./CompareView";
import { LayersView, type JumpToLine } from "./LayersView";
import { WasteView } from "./WasteView";
import "./insight.css";

const TABS = [
  { id: "layers", label: "Layers" },
  { id: "waste", label: "Waste" },
  { id: "comparison", label: "Comparison" },
] as const;
type TabId = (typeof TABS)[number]["id"];

export type BuildInsightPanelProps = {
  insight: BuildInsight | undefined;
  /** The run is still going: insight comes after the checks. */
  pending: boolean;
  onJump: JumpToLine;
  /** The editor's text is no longer the one this run built: line numbers may point elsewhere. */
  linesMoved: boolean;
};

export function BuildInsightPanel({ insight, pending, onJump, linesMoved }: BuildInsightPanelProps) {
  const [tab, setTab] = useState<TabId>("layers");
  const refs = useRef<Record<TabId, HTMLButtonElement | null>>({ layers: null, waste: null, comparison: null });
  if (!insight) {
    return (
      <p className="panel-empty">
        {pending ? "Reading the image's layers…" : "Run a build to see its layers, its wasted bytes and how it compares with the starter and the solution."}
      </p>
    );
  }
  const onKey = (e: KeyboardEvent) => {
    const i = TABS.findIndex((t) => t.id === tab);
    const next = e.key === "ArrowRight" ? i + 1 : e.key === "ArrowLeft" ? i - 1 : e.key === "Home" ? 0 : e.key === "End" ? TABS.length - 1 : null;
    if (next === null) return;
    e.preventDefault();
    const target = TABS[(next + TABS.length) % TABS.length]!.id;
    setTab(target);
    refs.current[target]?.focus();
  };
  return (
    <div className="insight">
      <div className="insight-tabs" role="tablist" aria-label="Build insight views" onKeyDown={onKey}>
        {TABS.map((t) => (
          <button
            key={t.id}
            ref={(el) => {
              refs.current[t.id] = el;
            }}
            type="button"
            role="tab"
            id={`insight-tab-${t.id}`}
            aria-selected={tab === t.id}
            aria-controls={`insight-panel-${t.id}`}
            tabIndex={tab === t.id ? 0 : -1}
            className="insight-tab"
            onClick={() => setTab(t.id)}
          >
            {t.label}{" "}
            <span className="insight-tab-badge">{badge(insight, t.id)}</span>
          </button>
        ))}
      </div>
      {linesMoved ? <p className="insight-foot">You have edited the Dockerfile since this run: line numbers are those of the run.</p> : null}
      <div role="tabpanel" id={`insight-panel-${tab}`} aria-labelledby={`insight-tab-${tab}`} className="insight-panel" tabIndex={0}>
        {tab === "layers" ? (
          insight.layers.available ? <LayersView data={insight.layers} onJump={onJump} /> : <Unavailable reason={insight.layers.reason} />
        ) : tab === "waste" ? (
          insight.waste.available ? (
            <WasteView data={insight.waste} layers={insight.layers.available ? insight.layers.layers : []} onJump={onJump} />
          ) : (
            <Unavailable reason={insight.waste.reason} />
          )
        ) : insight.comparison.available ? (
          <CompareView data={insight.comparison} />
        ) : (
          <Unavailable reason={insight.comparison.reason} />
        )}
      </div>
      <p className="insight-foot">Read from the built image after grading in {(insight.addedMs / 1000).toFixed(1)} s; it never changes the checks.</p>
    </div>
  );
}

/** A short figure on each tab, so the learner sees where to look first. */
function badge(insight: BuildInsight, tab: TabId): string {
  if (tab === "layers") return insight.layers.available ? String(insight.layers.layers.filter((l) => l.origin === "own" && !l.empty).length) : "–";
  if (tab === "waste") return insight.waste.available ? formatBytes(insight.waste.reclaimableBytes) : "–";
  return insight.comparison.available ? formatBytes(insight.comparison.mine.sizeBytes) : "–";
}

function Unavailable({ reason }: { reason: string }) {
  return <p className="insight-note">{reason}</p>;
}
