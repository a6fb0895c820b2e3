/**
 * Checks that inspect or run the built image: health probe, read-only run, secret scan,
 * toolchains absent, file owner, COPY --from edges.
 */
import { copyFromEdges } from "./copy-from-edges";
import { fileOwner } from "./file-owner";
import { healthProbe } from "./health-probe";
import { readOnlyRun } from "./read-only-run";
import { secretScan } from "./secret-scan";
import { toolchainsAbsent } from "./toolchains-absent";
import type { CheckFn } from "./types";

export const IMAGE_CHECKS: {
  readonly "health-probe": CheckFn<"health-probe">;
  readonly "read-only-run": CheckFn<"read-only-run">;
  readonly "secret-scan": CheckFn<"secret-scan">;
  readonly "toolchains-absent": CheckFn<"toolchains-absent">;
  readonly "file-owner": CheckFn<"file-owner">;
  readonly "copy-from-edges": CheckFn<"copy-from-edges">;
} = {
  "health-probe": healthProbe,
  "read-only-run": readOnlyRun,
  "secret-scan": secretScan,
  "toolchains-absent": toolchainsAbsent,
  "file-owner": fileOwner,
  "copy-from-edges": copyFromEdges,
};
