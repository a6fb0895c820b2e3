/** No input makes the public functions throw, and what they return keeps its shape. */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { findCatalogImage } from "../image-catalog";
import { Problem } from "../protocol";
import { admitDockerfile, analyzeDockerfile, lintDockerfile, type AdmissionOptions } from "./index";

const OPTIONS: AdmissionOptions = { maxBytes: 64 * 1024, maxLines: 2000, allowedImages: (ref) => findCatalogImage(ref) !== undefined };

const DiagnosticShape = z.object({
  rule: z.string().min(1),
  severity: z.enum(["error", "warning", "info"]),
  message: z.string().min(1),
  startLine: z.number().int().positive(),
  startColumn: z.number().int().positive(),
  endLine: z.number().int().positive(),
  endColumn: z.number().int().positive(),
  link: z.string().optional(),
});

/** Small seeded PRNG (mulberry32) so a failing case can be replayed. */
function prng(seed: number) {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Dockerfile-shaped tokens plus the characters parsers trip over.
const TOKENS = [
  "FROM ", "AS ", "as ", "COPY ", "--from=", "--link ", "--chown=1 ", "ARG ", "ENV ", "$", "${", ":-", "}", "\\\n", "\\", "\n", "\r\n", "\r",
  "# ", "syntax=", "escape=`", "escape=\\", "ADD ", "RUN ", "--mount=type=cache ", "ONBUILD ", "USER ", "CMD ", "ENTRYPOINT ", "HEALTHCHECK ",
  "[", "]", '"', "'", "`", ",", "\t", " ", "  ", "stagecraft/golang:1.19", "scratch", "builder", "Builder", "0", "1", "99", "<<EOF\n", "EOF\n",
  "\uFEFF", "\u0000", "é", "\uD800", "😀", "=", ":", "@", "/", "http://", "git@", ".git", "-", "--", "\\\n\n", "#\\\n",
];

function randomDockerfile(rand: () => number, length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) {
    out += rand() < 0.85 ? TOKENS[Math.floor(rand() * TOKENS.length)] : String.fromCharCode(Math.floor(rand() * 0x3000));
  }
  return out;
}

function exerciseAll(text: string) {
  const model = analyzeDockerfile(text);
  expect(Array.isArray(model.stages)).toBe(true);
  for (const d of lintDockerfile(text)) DiagnosticShape.parse(d);
  const admission = admitDockerfile(text, OPTIONS);
  if (!admission.ok) {
    expect(admission.problems.length).toBeGreaterThan(0);
    for (const p of admission.problems) Problem.parse(p);
  }
}

describe("no input makes analysis, lint or admission throw", () => {
  it("random Dockerfile-shaped text (500 seeded cases)", () => {
    for (let seed = 1; seed <= 500; seed++) {
      const text = randomDockerfile(prng(seed), 5 + (seed % 120));
      try {
        exerciseAll(text);
      } catch (error) {
        throw new Error(`seed ${seed} failed on ${JSON.stringify(text)}: ${String(error)}`);
      }
    }
  });

  it("random characters of every kind", () => {
    const rand = prng(42);
    for (let i = 0; i < 100; i++) {
      const text = Array.from({ length: 1 + Math.floor(rand() * 400) }, () => String.fromCharCode(Math.floor(rand() * 0x10000))).join("");
      exerciseAll(text);
    }
  });

  it("pathological shapes", () => {
    for (const text of ["\\", "\\\n".repeat(5000), "FROM", "FROM \\", "COPY --from=", "ARG", "ARG =", "FROM ${", "FROM $", "FROM ${A:-", "#", "# escape=", "\uFEFF", "\uFEFFFROM scratch", "FROM scratch\r\nCMD x\r", "[".repeat(1000), `FROM scratch\nRUN <<EOF\n${"x\n".repeat(100)}`]) {
      exerciseAll(text);
    }
  });

  it("non-string input passed by untyped callers", () => {
    for (const value of [undefined, null, 42, {}, []]) {
      expect(() => analyzeDockerfile(value as unknown as string)).not.toThrow();
      expect(() => lintDockerfile(value as unknown as string)).not.toThrow();
      expect(admitDockerfile(value as unknown as string, OPTIONS).ok).toBe(false);
    }
  });

  it("1 MB of text", () => {
    const rand = prng(7);
    const text = randomDockerfile(rand, 200_000).slice(0, 1024 * 1024).padEnd(1024 * 1024, "x");
    expect(() => analyzeDockerfile(text)).not.toThrow();
    expect(lintDockerfile(text)).toMatchObject([{ rule: "too-large" }]);
    expect(admitDockerfile(text, OPTIONS)).toMatchObject({ ok: false, problems: [{ rule: "too-large" }] });
    const lines = "FROM scratch\n".repeat(80_000);
    expect(admitDockerfile(lines, { ...OPTIONS, maxBytes: 2 * 1024 * 1024 })).toMatchObject({ ok: false, problems: [{ rule: "too-many-lines" }] });
  });
});
