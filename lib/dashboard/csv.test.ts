import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "./csv";

describe("csv", () => {
  it("leaves plain cells alone and quotes commas, quotes and line breaks", () => {
    expect(csvCell("plain text")).toBe("plain text");
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell("two\nlines")).toBe('"two\nlines"');
    expect(csvCell("cr\rhere")).toBe('"cr\rhere"');
    expect(csvCell(" padded ")).toBe('" padded "');
  });

  it("defuses cells a spreadsheet would evaluate as formulas", () => {
    expect(csvCell("=HYPERLINK(\"http://x\",\"y\")")).toBe("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\"");
    expect(csvCell("+1+1")).toBe("'+1+1");
    expect(csvCell("-2+3")).toBe("'-2+3");
    expect(csvCell("@SUM(A1)")).toBe("'@SUM(A1)");
    expect(csvCell("\t=1")).toBe("'\t=1");
    expect(csvCell("a=1")).toBe("a=1");
  });

  it("writes numbers as numbers (negative too) and empty cells for null", () => {
    expect(csvCell(-5)).toBe("-5");
    expect(csvCell(1234)).toBe("1234");
    expect(csvCell(null)).toBe("");
    expect(csvCell(undefined)).toBe("");
    expect(csvCell(Number.NaN)).toBe("");
  });

  it("joins a header and rows with CRLF", () => {
    expect(toCsv(["name", "n"], [["Ann, the first", 1], ["=bad", null]])).toBe('name,n\r\n"Ann, the first",1\r\n\'=bad,\r\n');
  });
});
