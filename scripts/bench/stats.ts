/**
 * Statistics and formatting for `npm run bench`: medians and percentiles of samples, the
 * runner-versus-raw overhead, and one table rendered two ways (aligned text for the terminal,
 * Markdown for notes). Pure functions, so they are unit-tested without an engine.
 */

/** Finite values, sorted ascending (NaN marks a missing sample and is left out). */
function sortedFinite(values: readonly number[]): number[] {
  return values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
}

/** The median of the finite values; NaN when there are none. */
export function median(values: readonly number[]): number {
  const sorted = sortedFinite(values);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/**
 * The p-th percentile (0–100) by the nearest-rank method: the smallest sample with at least p% of
 * the samples at or below it, so p95 of 10 samples is the largest one (no interpolation: with the
 * few samples a bench has, an invented value between two runs would claim precision it lacks).
 */
export function percentile(values: readonly number[], p: number): number {
  if (!(p >= 0 && p <= 100)) throw new RangeError(`percentile ${p} is outside 0–100`);
  const sorted = sortedFinite(values);
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1]!;
}

/** How many values are finite: the n behind a median. */
export const countFinite = (values: readonly number[]) => sortedFinite(values).length;

/** Runner against raw, from the medians of each: `ratio` = runner / raw, `addedMs` = runner − raw. */
export type Overhead = { runnerMs: number; rawMs: number; ratio: number; addedMs: number; nRunner: number; nRaw: number };

export function overhead(runner: readonly number[], raw: readonly number[]): Overhead {
  const runnerMs = median(runner);
  const rawMs = median(raw);
  return {
    runnerMs,
    rawMs,
    ratio: rawMs > 0 ? runnerMs / rawMs : Number.NaN,
    addedMs: runnerMs - rawMs,
    nRunner: countFinite(runner),
    nRaw: countFinite(raw),
  };
}

/** `1234 ms`, `12.3 s` above ten seconds; `—` for a missing value. */
export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  if (Math.abs(ms) >= 10_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.round(ms)} ms`;
}

/** A signed difference: `+85 ms`, `−12 ms`. */
export function formatAddedMs(ms: number): string {
  if (!Number.isFinite(ms)) return "—";
  const sign = ms < 0 ? "−" : "+";
  return `${sign}${formatMs(Math.abs(ms))}`;
}

/** `×1.07`. */
export function formatRatio(ratio: number): string {
  return Number.isFinite(ratio) ? `×${ratio.toFixed(2)}` : "—";
}

/** Runs per minute from a count and a wall-clock span. */
export function runsPerMinute(runs: number, spanMs: number): number {
  return spanMs > 0 ? (runs * 60_000) / spanMs : Number.NaN;
}

/** `12.3 MiB` from a kB figure as /proc reports it (VmRSS is in KiB). */
export function formatKiB(kib: number): string {
  if (!Number.isFinite(kib)) return "—";
  return `${(kib / 1024).toFixed(1)} MiB`;
}

/** One table: a header row and body rows of already formatted cells. */
export type Table = { title: string; columns: string[]; rows: string[][]; note?: string };

/** Aligned plain text: columns padded to their widest cell, two spaces apart. */
export function renderText(table: Table): string {
  const all = [table.columns, ...table.rows];
  const widths = table.columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? "").length)));
  const line = (r: string[]) => r.map((c, i) => c.padEnd(widths[i]!)).join("  ").trimEnd();
  const rule = widths.map((w) => "-".repeat(w)).join("  ");
  return [table.title, "", line(table.columns), rule, ...table.rows.map(line), ...(table.note ? ["", table.note] : [])].join("\n");
}

/** A GitHub-flavoured Markdown table under a bold title; `|` in cells is escaped. */
export function renderMarkdown(table: Table): string {
  const esc = (c: string) => c.replace(/\|/g, "\\|");
  const row = (r: string[]) => `| ${r.map(esc).join(" | ")} |`;
  return [
    `**${table.title}**`,
    "",
    row(table.columns),
    `|${table.columns.map(() => "---").join("|")}|`,
    ...table.rows.map(row),
    ...(table.note ? ["", table.note] : []),
  ].join("\n");
}
