/**
 * A course rule: one thing the course teaches, checked on the parsed Dockerfile. Rules only
 * return findings (message + place); the registry supplies id, severity and lesson link, so the
 * list in `index.ts` is the single table of what Stagecraft lints.
 */
import type { Analysis } from "../analysis";
import type { LspRange, Severity } from "../diagnostic";

export type RuleContext = {
  analysis: Analysis;
  /** Whether `ref` is an image the sandbox can build from (exact ref). */
  isCatalogImage(ref: string): boolean;
  /** Refs to suggest when an image is not available. */
  catalogRefs: readonly string[];
};

export type Finding = {
  message: string;
  range: LspRange;
  /** Overrides the rule's id for rules that report several kinds (the sandbox restrictions). */
  rule?: string;
};

export type Rule = {
  id: string;
  severity: Severity;
  link: string;
  check(ctx: RuleContext): Finding[];
};
