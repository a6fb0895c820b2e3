/**
 * One entry per check kind. The mapped type makes a kind without a check a compile error, and a
 * unit test compares the keys with the `CheckSpec` union at run time. The course's later checks
 * come in two groups: those that inspect or run the built image, and those that build again.
 */
import type { CheckKind } from "../../../lib/checks";
import { buildSucceeds } from "./build-succeeds";
import { containerOutput } from "./container-output";
import { execFormCmd } from "./exec-form-cmd";
import { imageSize } from "./image-size";
import { nonRootUser } from "./non-root-user";
import { pathsAbsent } from "./paths-absent";
import { stageCount } from "./stage-count";
import { IMAGE_CHECKS } from "./image-checks";
import { BUILD_CHECKS } from "./build-checks";
import type { CheckFn } from "./types";

export const CHECKS: { readonly [K in CheckKind]: CheckFn<K> } = {
  "build-succeeds": buildSucceeds,
  "stage-count": stageCount,
  "image-size": imageSize,
  "non-root-user": nonRootUser,
  "paths-absent": pathsAbsent,
  "container-output": containerOutput,
  "exec-form-cmd": execFormCmd,
  ...IMAGE_CHECKS,
  ...BUILD_CHECKS,
};
