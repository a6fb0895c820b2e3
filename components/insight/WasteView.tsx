/**
 * Waste: bytes a layer wrote that a later layer removed or overwrote. They still ship in the
 * image (layers only add), so they are what the learner can reclaim by cleaning up in the same
 * RUN, or by leaving the work in a builder stage.
 */
import type { AttributedLayer } from "@/lib/insight/index";
import { formatBytes } from "@/lib/report";
import { barPercent, efficiencyPercent, lineLabel, type WasteData } from "./insight-model";
import type { JumpToLine } from "./LayersView";

export function WasteView({ data, layers, onJump }: { data: WasteData; layers: AttributedLayer[]; onJump: JumpToLine }) {
  const efficiency = efficiencyPercent(data);
  const max = Math.max(1, ...data.offenders.map((o) => o.sizeBytes));
  return (
    <div className="insight-waste">
      {!data.complete && data.note ? <p className="insight-note">{data.note}</p> : null}
      <div className="waste-head">
        <p className="waste-figure">
          <strong>{formatBytes(data.reclaimableBytes)}</strong>
          <span> reclaimable</span>
        </p>
        <div className="waste-meter" role="img" aria-label={`${efficiency}% of the bytes the layers wrote reach the final filesystem`}>
          <span className="waste-meter-kept" style={{ width: `${efficiency}%` }} />
        </div>
        <p className="waste-caption">
          {efficiency}% efficient: of {formatBytes(data.writtenBytes)} the layers wrote, {formatBytes(data.reclaimableBytes)} was removed or
          overwritten by a later layer and still ships in the image.
        </p>
      </div>
      {data.offenders.length === 0 ? (
        data.complete ? (
          <p className="insight-good">Nothing a layer wrote is removed or replaced later. Every byte in the layers is in use.</p>
        ) : (
          <p className="insight-foot">No waste in the part that was read.</p>
        )
      ) : (
        <>
          <ol className="waste-list" aria-label="Biggest reclaimable files">
            {data.offenders.map((o, i) => (
              <li key={i} className="waste-item">
                <div className="waste-item-head">
                  <code className="waste-path">{o.path}</code>
                  <span className="layer-size">
                    {formatBytes(o.sizeBytes)}
                    {o.files > 1 ? ` · ${o.files.toLocaleString("en")} files` : ""}
                  </span>
                </div>
                <span className="layer-bar-track" aria-hidden="true">
                  <span className="layer-bar waste-bar" style={{ width: `${barPercent(o.sizeBytes, max)}%` }} />
                </span>
                <p className="waste-story">
                  Written by <LayerLink layer={layers[o.writtenBy]} onJump={onJump} />, {o.how} by{" "}
                  <LayerLink layer={layers[o.removedBy]} onJump={onJump} />.
                </p>
              </li>
            ))}
          </ol>
          {data.offenderCount > data.offenders.length ? (
            <p className="insight-foot">
              The {data.offenders.length} biggest of {data.offenderCount.toLocaleString("en")} are shown.
            </p>
          ) : null}
          <p className="insight-tip">
            A file deleted in a later <code>RUN</code> still ships in the layer that wrote it. Delete it in the same <code>RUN</code>, or
            make it in a builder stage and <code>COPY --from</code> only what you need.
          </p>
        </>
      )}
    </div>
  );
}

function LayerLink({ layer, onJump }: { layer: AttributedLayer | undefined; onJump: JumpToLine }) {
  if (!layer) return <span>an unknown layer</span>;
  const where = lineLabel(layer);
  const short = layer.instruction.length > 48 ? `${layer.instruction.slice(0, 47)}…` : layer.instruction;
  if (!where || !layer.line) return <code>{short}</code>;
  const line = layer.line;
  return (
    <button type="button" className="link-button" onClick={() => onJump(line, layer.endLine ?? line)} title={layer.instruction}>
      {where} <code>{short}</code>
    </button>
  );
}
