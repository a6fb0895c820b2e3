/** The admission gates, in the order their problems are reported. */
import { baseImages } from "./base-images";
import { copyFrom } from "./copy-from";
import { instructionFlags } from "./instruction-flags";
import { parserDirectives } from "./parser-directives";
import { remoteSources } from "./remote-sources";
import { syntaxErrors } from "./syntax-errors";
import { textLimits } from "./text-limits";
import type { AnalysisGate, TextGate } from "./types";

/** Cheap checks on raw text; if any of these fail, the text is not parsed at all. */
export const TEXT_GATES: readonly TextGate[] = [textLimits];

/** Checks on text that is small enough to look at closely. */
export const DIRECTIVE_GATES: readonly TextGate[] = [parserDirectives];

export const ANALYSIS_GATES: readonly AnalysisGate[] = [
  syntaxErrors,
  baseImages,
  copyFrom,
  remoteSources,
  instructionFlags,
];

export type { AdmissionOptions } from "./types";
