/**
 * The course linter for the browser. dockerfile-ast reaches for Node's `Buffer`, so the shim goes
 * in before anything parses; importing lint through this module is what guarantees the order.
 */
import { FIXABLE_RULES, installBufferShim, lintDockerfile, quickFixesFor } from "@/lib/dockerfile";

installBufferShim();

export { FIXABLE_RULES, lintDockerfile, quickFixesFor };
