/**
 * CSV (RFC 4180) for spreadsheets. Every text cell is quoted when it holds a comma, quote or line
 * break, and a cell a spreadsheet would run as a formula (starting with = + - @, or a tab or
 * carriage return that some apps strip first) gets a leading apostrophe, the OWASP advice against
 * CSV injection: a learner's display name must never become `=HYPERLINK(…)` in the teacher's sheet.
 */
export type CsvCell = string | number | null | undefined;

const FORMULA_START = /^[=+\-@\t\r]/;

export function csvCell(value: CsvCell): string {
  if (value === null || value === undefined) return "";
  // Numbers are ours (counts, bytes, milliseconds): a negative one is a number, not a formula.
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "";
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) || text !== text.trim() ? `"${text.replaceAll('"', '""')}"` : text;
}

/** Header row plus rows, CRLF line ends as RFC 4180 asks. */
export function toCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows].map((row) => row.map(csvCell).join(",")).join("\r\n") + "\r\n";
}
