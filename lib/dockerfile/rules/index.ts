/**
 * The course rules, in the order their findings are listed. Add a rule by writing a module next
 * to these and listing it here.
 */
import { baseImageCatalog } from "./base-image-catalog";
import { baseImageTag } from "./base-image-tag";
import { copyFromLaterStage } from "./copy-from-later-stage";
import { copyFromOwnStage } from "./copy-from-own-stage";
import { copyFromUnknownStage } from "./copy-from-unknown-stage";
import { finalStageRoot } from "./final-stage-root";
import { sandboxRestrictions } from "./sandbox-restrictions";
import { shellFormCmd } from "./shell-form-cmd";
import type { Rule } from "./types";
import { unusedStage } from "./unused-stage";

export const COURSE_RULES: readonly Rule[] = [
  baseImageCatalog,
  baseImageTag,
  copyFromUnknownStage,
  copyFromOwnStage,
  copyFromLaterStage,
  finalStageRoot,
  shellFormCmd,
  unusedStage,
  sandboxRestrictions,
];

export type { Rule, RuleContext, Finding } from "./types";
