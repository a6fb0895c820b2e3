/**
 * Comparison: the learner's final image beside the starter (the monolith) and the reference
 * solution. A stacked bar per image shows what each is made of by kind of file; the table says
 * the same in numbers; the lists name the groups that differ most.
 */
import { CATEGORY_LABELS, type GroupDiff, type ImageSummary } from "@/lib/insight/index";
import { formatBytes } from "@/lib/report";
import { CATEGORY_ORDER, splitDiff, type ComparisonData } from "./insight-model";

type Side = ComparisonData["starter"];

export function CompareView({ data }: { data: ComparisonData }) {
  const images: { key: string; title: string; side: Side | { available: true; summary: ImageSummary } }[] = [
    { key: "starter", title: "Starter (monolith)", side: data.starter },
    { key: "mine", title: "Yours", side: { available: true, summary: data.mine } },
    { key: "solution", title: "Reference solution", side: data.solution },
  ];
  const max = Math.max(1, ...images.map((i) => (i.side.available ? i.side.summary.sizeBytes : 0)));
  // Kinds of file no image has would only be rows of zeros.
  const present = CATEGORY_ORDER.filter((c) => images.some((i) => i.side.available && (i.side.summary.categories[c] ?? 0) > 0));
  return (
    <div className="insight-compare">
      <p className="compare-lead">{leadSentence(data)}</p>
      <ul className="compare-bars" aria-label="Image sizes by kind of file">
        {images.map(({ key, title, side }) => (
          <li key={key} className="compare-row" data-mine={key === "mine"}>
            <div className="compare-row-head">
              <span className="compare-title">{title}</span>
              {side.available ? (
                <span className="layer-size">
                  {formatBytes(side.summary.sizeBytes)} · {side.summary.layerCount} {side.summary.layerCount === 1 ? "layer" : "layers"}
                </span>
              ) : null}
            </div>
            {side.available ? <Stack summary={side.summary} max={max} /> : <p className="insight-note">{side.reason}</p>}
          </li>
        ))}
      </ul>
      <ul className="compare-legend" aria-label="Kinds of file">
        {present.map((c) => (
          <li key={c}>
            <span className="swatch" data-category={c} aria-hidden="true" />
            {CATEGORY_LABELS[c]}
          </li>
        ))}
      </ul>
      <div className="compare-table-wrap">
        <table className="compare-table">
          <caption className="visually-hidden">Bytes by kind of file in each image</caption>
          <thead>
            <tr>
              <th scope="col">Kind of file</th>
              {images.map((i) => (
                <th key={i.key} scope="col" className="num">
                  {i.key === "mine" ? "Yours" : i.key === "starter" ? "Starter" : "Solution"}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {present.map((c) => (
              <tr key={c}>
                <th scope="row">
                  <span className="swatch" data-category={c} aria-hidden="true" /> {CATEGORY_LABELS[c]}
                </th>
                {images.map((i) => (
                  <td key={i.key} className="num">
                    {i.side.available ? formatBytes(i.side.summary.categories[c] ?? 0) : "—"}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {data.solution.available ? <Differences title="Against the reference solution" diff={data.solution.diff} other="the solution" /> : null}
      {data.starter.available ? <Differences title="Against the starter" diff={data.starter.diff} other="the starter" /> : null}
    </div>
  );
}

function Stack({ summary, max }: { summary: ImageSummary; max: number }) {
  const total = CATEGORY_ORDER.reduce((s, c) => s + (summary.categories[c] ?? 0), 0);
  const width = (summary.sizeBytes / max) * 100;
  return (
    <div className="compare-track" aria-hidden="true">
      <div className="compare-stack" style={{ width: `${Math.max(width, 0.8)}%` }}>
        {total > 0
          ? CATEGORY_ORDER.map((c) => {
              const bytes = summary.categories[c] ?? 0;
              return bytes > 0 ? <span key={c} data-category={c} style={{ flexGrow: bytes }} title={`${CATEGORY_LABELS[c]}: ${formatBytes(bytes)}`} /> : null;
            })
          : null}
      </div>
    </div>
  );
}

function Differences({ title, diff, other }: { title: string; diff: GroupDiff[]; other: string }) {
  const { more, less } = splitDiff(diff);
  return (
    <section className="compare-diff" aria-label={title}>
      <h4>{title}</h4>
      {diff.length === 0 ? <p className="insight-good">Same kinds of file as {other}, give or take a few kilobytes.</p> : null}
      {more.length > 0 ? <DiffList heading={`Yours has more than ${other}`} rows={more} sign="+" /> : null}
      {less.length > 0 ? <DiffList heading={`Yours has less than ${other}`} rows={less} sign="−" /> : null}
    </section>
  );
}

function DiffList({ heading, rows, sign }: { heading: string; rows: GroupDiff[]; sign: "+" | "−" }) {
  return (
    <>
      <p className="compare-diff-heading">{heading}</p>
      <ul className="compare-diff-list">
        {rows.map((r) => (
          <li key={`${r.category}${r.path}`}>
            <span className="swatch" data-category={r.category} aria-hidden="true" />
            <span className="compare-diff-what">
              {r.label === r.path ? <code>{r.path}</code> : <>{r.label} <code>{r.path}</code></>}
              <span className="compare-diff-kind"> · {CATEGORY_LABELS[r.category]}</span>
            </span>
            <span className="layer-size">
              {sign}
              {formatBytes(Math.abs(r.mineBytes - r.otherBytes))}
            </span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** "Yours is 3.4 MiB: 210× smaller than the starter, 307 KiB more than the solution." */
export function leadSentence(data: ComparisonData): string {
  const mine = data.mine.sizeBytes;
  const parts: string[] = [];
  if (data.starter.available && data.starter.summary.sizeBytes > mine && mine > 0) {
    const starter = data.starter.summary.sizeBytes;
    parts.push(starter >= 2 * mine ? `${Math.round(starter / mine)}× smaller than the starter` : `${formatBytes(starter - mine)} less than the starter`);
  }
  if (data.solution.available) {
    const delta = mine - data.solution.summary.sizeBytes;
    parts.push(delta === 0 ? "the same size as the solution" : `${formatBytes(Math.abs(delta))} ${delta > 0 ? "more" : "less"} than the solution`);
  }
  return `Yours is ${formatBytes(mine)}${parts.length > 0 ? `: ${parts.join(", ")}` : ""}.`;
}
