/** Short human forms for the dashboards' numbers. */

/** A span of time for "time to pass": "45 s", "12 min", "3 h 5 min", "2 d 4 h". */
export function formatSpan(ms: number | null): string {
  if (ms === null) return "—";
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 24) return min % 60 ? `${h} h ${min % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

/** 0.375 → "38 %"; null → "—". */
export const formatPercent = (ratio: number | null) => (ratio === null ? "—" : `${Math.round(ratio * 100)} %`);

/** What a run's state means to a learner, and the tone its badge takes. */
export function runStateLabel(state: string): { label: string; tone: "pass" | "fail" | "warn" | "muted" } {
  switch (state) {
    case "passed":
      return { label: "Passed", tone: "pass" };
    case "failed":
      return { label: "Failed", tone: "fail" };
    case "error":
      return { label: "Error", tone: "warn" };
    case "interrupted":
      return { label: "Interrupted", tone: "warn" };
    case "cancelled":
      return { label: "Cancelled", tone: "muted" };
    case "running":
      return { label: "Running", tone: "muted" };
    default:
      return { label: "Queued", tone: "muted" };
  }
}
