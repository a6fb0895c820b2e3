"use client";

/**
 * The stage graph: stages and the images they start from as boxes, `FROM` as solid arrows and
 * `COPY --from` as dashed ones, laid out left to right (top to bottom when narrow). Each builder
 * stage shows what it weighed as a bar, split into what reached the final image and what was
 * discarded. A list with the same facts follows for screen readers.
 */
import { useEffect, useMemo, useRef, useState } from "react";
import { discardedBytes, layoutStageGraph, stageGraph, type PlacedNode, type StageNode } from "@/lib/insight/stages";
import { formatBytes, type ImageReport } from "@/lib/report";
import "./stages.css";

/** Below this width the graph runs top to bottom, so boxes keep a readable size on a phone. */
const NARROW_PX = 560;
const GAP = 18;

export function StageGraph({ report }: { report: Pick<ImageReport, "stages" | "sizeBytes" | "stageWeights"> }) {
  const host = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState<number | null>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => setWidth(Math.round(entry?.contentRect.width ?? 0)));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const graph = useMemo(() => stageGraph(report), [report]);
  const layout = useMemo(() => {
    const direction = width !== null && width < NARROW_PX ? "tb" : "lr";
    const first = layoutStageGraph(graph, { direction });
    if (direction === "lr" || width === null || first.width <= width) return first;
    // Narrow: shrink the boxes so the widest layer fits, down to a readable minimum.
    const widest = Math.max(...first.nodes.map((n) => first.nodes.filter((m) => m.layer === n.layer).length));
    const nodeWidth = Math.max(132, Math.floor((width - GAP * (widest - 1)) / widest));
    return layoutStageGraph(graph, { direction, nodeWidth, nodeGap: GAP, imageHeight: 44 });
  }, [graph, width]);

  const stages = graph.nodes.filter((n): n is StageNode => n.kind === "stage");
  const builders = stages.filter((s) => !s.final && s.built);
  const weighed = builders.filter((s) => s.sizeBytes !== null && s.keptBytes !== null);
  const total = weighed.reduce((sum, s) => sum + s.sizeBytes!, 0);
  const discarded = weighed.reduce((sum, s) => sum + (discardedBytes(s) ?? 0), 0);
  const skipped = stages.filter((s) => !s.built);
  const skippedIds = new Set(skipped.map((s) => s.id));

  return (
    <figure className="stage-graph" aria-labelledby="stage-graph-caption">
      {weighed.length > 0 ? (
        <p className="stage-graph-headline" id="stage-graph-caption">
          <span className="stage-graph-big">{formatBytes(discarded)}</span> discarded:{" "}
          {weighed.length === 1 ? "your builder stage weighed" : `your ${weighed.length} builder stages weighed`}{" "}
          {formatBytes(total)}, and {formatBytes(total - discarded)} of it reached the final image of {formatBytes(report.sizeBytes)}.
        </p>
      ) : (
        <p className="stage-graph-headline" id="stage-graph-caption">
          {stages.length === 1
            ? `One stage: everything it installs and builds stays in the final image of ${formatBytes(report.sizeBytes)}.`
            : `${stages.length} stages; the final image is ${formatBytes(report.sizeBytes)}.`}
        </p>
      )}
      <div className="stage-graph-scroll" ref={host}>
        {width !== null ? (
          <svg
            className="stage-graph-svg"
            viewBox={`-2 -2 ${layout.width + 4} ${layout.height + 4}`}
            width={layout.width + 4}
            height={layout.height + 4}
            aria-hidden="true"
          >
            <defs>
              <marker id="sg-arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
                <path d="M0,0 L10,5 L0,10 z" className="sg-arrowhead" />
              </marker>
            </defs>
            {layout.edges.map((e, i) => (
              <path
                key={i}
                d={e.path}
                className={`sg-edge sg-edge-${e.kind}${skippedIds.has(e.to) ? " sg-edge-skipped" : ""}`}
                markerEnd="url(#sg-arrow)"
              />
            ))}
            {layout.nodes.map((n) => (n.kind === "stage" ? <StageBox key={n.id} node={n} /> : <ImageBox key={n.id} node={n} />))}
          </svg>
        ) : null}
      </div>
      <figcaption className="stage-graph-legend">
        <span>
          <svg width="28" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="28" y2="4" className="sg-edge sg-edge-from" />
          </svg>
          FROM
        </span>
        <span>
          <svg width="28" height="8" aria-hidden="true">
            <line x1="0" y1="4" x2="28" y2="4" className="sg-edge sg-edge-copy" />
          </svg>
          COPY --from
        </span>
        <span>
          <span className="sg-swatch sg-swatch-kept" aria-hidden="true" /> reached the final image
        </span>
        <span>
          <span className="sg-swatch sg-swatch-discarded" aria-hidden="true" /> discarded
        </span>
      </figcaption>
      {graph.note ? <p className="stage-graph-note">{graph.note}</p> : null}
      {skipped.length > 0 ? (
        <p className="stage-graph-note">
          Skipped by BuildKit (the final image needs nothing from {skipped.length === 1 ? "it" : "them"}):{" "}
          {skipped.map((s) => s.label).join(", ")}.
        </p>
      ) : null}
      <ul className="visually-hidden" aria-label="Stages">
        {stages.map((s) => (
          <li key={s.id}>{describeStage(s, graph.edges.filter((e) => e.to === s.id).map((e) => `${e.kind === "from" ? "FROM" : "COPY --from"} ${nameOf(graph, e.from)}`))}</li>
        ))}
      </ul>
    </figure>
  );
}

function nameOf(graph: ReturnType<typeof stageGraph>, id: string): string {
  return graph.nodes.find((n) => n.id === id)?.label ?? id;
}

function describeStage(s: StageNode, inputs: string[]): string {
  const from = inputs.length > 0 ? ` (${inputs.join(", ")})` : "";
  const name = s.label.startsWith("stage ") ? s.label : `stage ${s.label}`;
  const title = s.final ? `Final ${name}` : name.charAt(0).toUpperCase() + name.slice(1);
  if (s.final) return `${title}${from}: ${formatBytes(s.sizeBytes ?? 0)}.`;
  if (!s.built) return `${title}${from}: skipped.`;
  const gone = discardedBytes(s);
  if (s.sizeBytes === null || gone === null) return `${title}${from}: not weighed.`;
  return `${title}${from}: weighed ${formatBytes(s.sizeBytes)}, ${formatBytes(s.keptBytes ?? 0)} reached the final image, ${formatBytes(gone)} discarded.`;
}

/** Text cut to fit a box: SVG text does not wrap or ellipsize by itself. */
function fit(text: string, px: number, charPx: number): string {
  const max = Math.max(4, Math.floor(px / charPx));
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** An image reference on one line, or split after its last `/` onto two when it does not fit. */
function imageLines(ref: string, px: number, charPx: number): string[] {
  if (ref.length * charPx <= px) return [ref];
  const slash = ref.lastIndexOf("/");
  if (slash <= 0) return [fit(ref, px, charPx)];
  return [fit(ref.slice(0, slash + 1), px, charPx), fit(ref.slice(slash + 1), px, charPx)];
}

function ImageBox({ node }: { node: PlacedNode }) {
  const textLines = imageLines(node.label, node.width - 20, 6.6);
  const top = node.height / 2 + 4 - (textLines.length - 1) * 6.5;
  return (
    <g className="sg-image" transform={`translate(${node.x},${node.y})`}>
      <title>{`image ${node.label}`}</title>
      <rect width={node.width} height={node.height} rx={Math.min(node.height / 2, 14)} />
      {textLines.map((t, i) => (
        <text key={i} x={node.width / 2} y={top + i * 13} textAnchor="middle">
          {t}
        </text>
      ))}
    </g>
  );
}

function StageBox({ node }: { node: PlacedNode & StageNode }) {
  const pad = 10;
  const barW = node.width - 2 * pad;
  const gone = discardedBytes(node);
  const keptShare = node.sizeBytes && node.keptBytes !== null ? Math.min(1, node.keptBytes / node.sizeBytes) : 0;
  // A sliver stays visible: a few KiB out of a GiB is the point of the picture, not nothing.
  const keptW = node.keptBytes ? Math.max(3, keptShare * barW) : 0;
  const state = node.final ? "final" : node.built ? "built" : "skipped";
  return (
    <g className={`sg-stage sg-stage-${state}`} transform={`translate(${node.x},${node.y})`}>
      <rect className="sg-box" width={node.width} height={node.height} rx={8} />
      <text className="sg-title" x={pad} y={22}>
        {fit(node.label, barW - (node.final ? 44 : 0), 7.6)}
      </text>
      {node.final ? (
        <text className="sg-tag" x={node.width - pad} y={21} textAnchor="end">
          final
        </text>
      ) : null}
      {node.final ? (
        <>
          <rect className="sg-bar-kept" x={pad} y={38} width={barW} height={12} rx={3} />
          <text className="sg-line" x={pad} y={70}>
            {`final image ${formatBytes(node.sizeBytes ?? 0)}`}
          </text>
        </>
      ) : !node.built ? (
        <text className="sg-line" x={pad} y={50}>
          skipped: not needed
        </text>
      ) : node.sizeBytes === null || gone === null ? (
        <text className="sg-line" x={pad} y={50}>
          not weighed
        </text>
      ) : (
        <>
          <rect className="sg-bar-discarded" x={pad} y={38} width={barW} height={12} rx={3} />
          {keptW > 0 ? <rect className="sg-bar-kept" x={pad} y={38} width={keptW} height={12} rx={3} /> : null}
          <text className="sg-line" x={pad} y={68}>
            {`weighed ${formatBytes(node.sizeBytes)}`}
          </text>
          <text className="sg-line sg-line-strong" x={pad} y={84}>
            {`kept ${formatBytes(node.keptBytes ?? 0)} · dropped ${formatBytes(gone)}`}
          </text>
        </>
      )}
    </g>
  );
}
