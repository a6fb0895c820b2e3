import { runStateLabel } from "@/lib/dashboard/format";

export function StateBadge({ state }: { state: string }) {
  const { label, tone } = runStateLabel(state);
  return (
    <span className="badge state-badge" data-tone={tone}>
      {label}
    </span>
  );
}
