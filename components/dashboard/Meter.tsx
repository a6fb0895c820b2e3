/** A number with a small bar under it: for tables where a glance should beat reading. */
export function Meter({ ratio, text, tone = "accent" }: { ratio: number | null; text: string; tone?: "accent" | "pass" | "fail" }) {
  const pct = ratio === null ? 0 : Math.round(Math.max(0, Math.min(1, ratio)) * 100);
  return (
    <span className="cell-meter">
      <span className="cell-meter-text">{text}</span>
      <span className="meter" data-tone={tone} aria-hidden="true">
        <span style={{ width: `${pct}%` }} />
      </span>
    </span>
  );
}
