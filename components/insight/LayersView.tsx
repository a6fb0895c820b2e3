/**
 * Layers: one bar per layer of the final image, sized by what it added, each naming the
 * Dockerfile line that wrote it. A row with a line is a button: it selects that line in the editor.
 * The base image's layers are one row, striped and labelled, since they are not the learner's work.
 */
import { useState } from "react";
import { formatBytes } from "@/lib/report";
import { barPercent, layerRows, lineLabel, sum, type LayersData } from "./insight-model";

export type JumpToLine = (line: number, endLine: number) => void;

export function LayersView({ data, onJump }: { data: LayersData; onJump: JumpToLine }) {
  const [showBase, setShowBase] = useState(false);
  const rows = layerRows(data.layers);
  const baseLayers = data.layers.filter((l) => l.origin === "base");
  const ownBytes = sum(data.layers.filter((l) => l.origin === "own").map((l) => l.sizeBytes));
  const baseBytes = sum(baseLayers.map((l) => l.sizeBytes));
  // Bars are scaled to the learner's biggest layer: next to a 700 MB toolchain base their own
  // layers would all be invisible. The base row is then drawn full, ending in a break mark.
  const ownMax = Math.max(0, ...rows.map((r) => (r.kind === "own" ? r.layer.sizeBytes : 0)));
  const max = ownMax > 0 ? ownMax : Math.max(1, baseBytes);
  const total = ownBytes + baseBytes;
  return (
    <div className="insight-layers">
      <p className="insight-lead">
        <strong>{formatBytes(ownBytes)}</strong> from your instructions
        {baseLayers.length > 0 ? (
          <>
            {" "}
            on top of <strong>{formatBytes(baseBytes)}</strong> of base image <code>{data.baseImage}</code>
          </>
        ) : null}
        . Select a layer to find its line in the editor.
      </p>
      {!data.baseCompared && data.baseImage ? (
        <p className="insight-note">The base image&apos;s layers could not be matched by digest, so none is set apart.</p>
      ) : null}
      <ol className="layer-bars" aria-label="Layers of the final image, oldest first">
        {rows.map((row) =>
          row.kind === "base" ? (
            <li key="base" className="layer-row" data-origin="base">
              <button type="button" className="layer-main" aria-expanded={showBase} onClick={() => setShowBase((v) => !v)}>
                <span className="layer-tag">base</span>
                <span className="layer-text">
                  {showBase ? "▾" : "▸"} <code>{data.baseImage}</code> · {row.count} {row.count === 1 ? "entry" : "entries"}
                </span>
                <Bar bytes={row.sizeBytes} max={max} total={total} broken={row.sizeBytes > max} />
              </button>
              {showBase ? (
                <ol className="layer-base-list" aria-label="Base image history">
                  {baseLayers.map((l, i) => (
                    <li key={i}>
                      <code>{l.instruction}</code> <span className="layer-size">{l.empty ? "no files" : formatBytes(l.sizeBytes)}</span>
                    </li>
                  ))}
                </ol>
              ) : null}
            </li>
          ) : (
            <li key={row.index} className="layer-row" data-origin="own" data-empty={row.layer.empty}>
              <LayerButton row={row} max={max} total={total} onJump={onJump} />
            </li>
          ),
        )}
      </ol>
    </div>
  );
}

function LayerButton({ row, max, total, onJump }: { row: Extract<ReturnType<typeof layerRows>[number], { kind: "own" }>; max: number; total: number; onJump: JumpToLine }) {
  const { layer } = row;
  const where = lineLabel(layer);
  const body = (
    <>
      <span className="layer-tag">{where ?? "—"}</span>
      <span className="layer-text">
        <code>{layer.instruction}</code>
        {layer.stage ? <span className="layer-stage"> · {layer.stage}</span> : null}
      </span>
      {layer.empty ? <span className="layer-size layer-nofiles">no files</span> : <Bar bytes={layer.sizeBytes} max={max} total={total} />}
    </>
  );
  if (!layer.line) return <div className="layer-main">{body}</div>;
  const line = layer.line;
  return (
    <button
      type="button"
      className="layer-main"
      aria-label={`${where}: ${layer.instruction}, ${layer.empty ? "no files" : formatBytes(layer.sizeBytes)}. Show in the editor`}
      onClick={() => onJump(line, layer.endLine ?? line)}
    >
      {body}
    </button>
  );
}

/** @param broken the bar is longer than the scale: drawn full with a break mark at its end */
function Bar({ bytes, max, total, broken = false }: { bytes: number; max: number; total: number; broken?: boolean }) {
  const share = total > 0 ? Math.round((bytes / total) * 100) : 0;
  return (
    <span className="layer-bar-cell">
      <span className="layer-bar-track" aria-hidden="true" data-broken={broken}>
        <span className="layer-bar" style={{ width: `${barPercent(bytes, max)}%` }} />
      </span>
      <span className="layer-size">
        {formatBytes(bytes)}
        <span className="layer-share"> · {share}%</span>
      </span>
    </span>
  );
}
