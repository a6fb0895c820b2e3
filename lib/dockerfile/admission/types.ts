/**
 * Admission: the runner's gate in front of the build. The engine fetches `FROM`, `ADD <url>`
 * and `# syntax=` images from the host network even with `networkmode=none`, so checking the
 * text is the only defence (DESIGN §3, §4). Each gate is one small module; `admit.ts` runs them.
 */
import type { Problem } from "../../protocol";
import type { Analysis } from "../analysis";

export type AdmissionOptions = {
  /** Largest Dockerfile, in UTF-8 bytes. */
  maxBytes: number;
  /** Most lines. */
  maxLines: number;
  /** Whether `ref` may be used as a base image or `COPY --from` image (exact ref). */
  allowedImages: (ref: string) => boolean;
  /**
   * Refs to list when an image is refused.
   * @default the catalog refs that `allowedImages` accepts
   */
  availableImages?: readonly string[];
  /**
   * Longest single line, in characters.
   * @default 8192
   */
  maxLineChars?: number;
  /**
   * Most physical lines one instruction may span through line continuations.
   * @default 200
   */
  maxContinuationLines?: number;
};

export type ResolvedAdmissionOptions = Required<AdmissionOptions>;

/** Runs on the raw text, before parsing: size and shape limits, parser directives. */
export type TextGate = (text: string, options: ResolvedAdmissionOptions) => Problem[];

/** Runs on the parsed Dockerfile. */
export type AnalysisGate = (analysis: Analysis, options: ResolvedAdmissionOptions) => Problem[];
