/**
 * The course rules, in the order their findings are listed. Add a rule by writing a module next
 * to these and listing it here.
 */
import { baseImageCatalog } from "./base-image-catalog";
import { baseImageTag } from "./base-image-tag";
import { cacheOrder } from "./cache-order";
import { copyFromLaterStage } from "./copy-from-later-stage";
import { copyFromOwnStage } from "./copy-from-own-stage";
import { copyFromUnknownStage } from "./copy-from-unknown-stage";
import { finalStageBuildTools } from "./final-stage-build-tools";
import { finalStageHealthcheck } from "./final-stage-healthcheck";
import { finalStageRoot } from "./final-stage-root";
import { sandboxRestrictions } from "./sandbox-restrictions";
import { secretInBuildArgOrEnv } from "./secret-in-build-arg-or-env";
import { shellFormCmd } from "./shell-form-cmd";
import { singleStageBuildTools } from "./single-stage-build-tools";
import type { Rule } from "./types";
import { unusedStage } from "./unused-stage";

export const COURSE_RULES: readonly Rule[] = [
  baseImageCatalog,
  baseImageTag,
  copyFromUnknownStage,
  copyFromOwnStage,
  copyFromLaterStage,
  finalStageRoot,
  finalStageBuildTools,
  singleStageBuildTools,
  finalStageHealthcheck,
  secretInBuildArgOrEnv,
  cacheOrder,
  shellFormCmd,
  unusedStage,
  sandboxRestrictions,
];

export type { Rule, RuleContext, Finding } from "./types";
