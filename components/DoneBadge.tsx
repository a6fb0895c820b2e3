/** The "Done" mark for a passed exercise or lesson; its text is what tests and screen readers see. */
export function DoneBadge({ label = "Done" }: { label?: string }) {
  return (
    <span className="badge badge-done">
      <span aria-hidden="true">✓</span> {label}
    </span>
  );
}
