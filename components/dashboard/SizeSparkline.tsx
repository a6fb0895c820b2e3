/** Image size run by run for one exercise: the line falls as the learner's image shrinks. */
import { formatBytes } from "@/lib/report";
import { sparkline } from "@/lib/dashboard/sparkline";

const W = 96;
const H = 26;

export function SizeSparkline({ runs }: { runs: { bytes: number | null; passed: boolean }[] }) {
  const points = sparkline(runs, W, H);
  if (points.length < 2) return null;
  const sizes = runs.flatMap((r) => (r.bytes === null ? [] : [r.bytes]));
  const label = `Image size over ${runs.length} runs: from ${formatBytes(sizes[0] ?? 0)} to ${formatBytes(sizes.at(-1) ?? 0)}`;
  return (
    <svg className="sparkline" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={label}>
      <title>{label}</title>
      <polyline points={points.map((p) => `${p.x},${p.y}`).join(" ")} />
      {points.map((p, i) => (
        <circle key={i} cx={p.x} cy={p.y} r={2.2} data-passed={p.passed} />
      ))}
    </svg>
  );
}
