/**
 * Dockerfile analysis for Stagecraft, shared by the browser editor and the runner (pure TS: no
 * Node imports; in the browser call `installBufferShim()` before the first parse).
 */
export { analyzeDockerfile, type DockerfileModel, type StageModel } from "./model";
export { lintDockerfile } from "./lint";
export type { Diagnostic, Severity } from "./diagnostic";
export { admitDockerfile, ADMISSION_DEFAULTS, type Admission } from "./admit";
export type { AdmissionOptions } from "./admission/types";
export { installBufferShim } from "./buffer-shim";
export { LESSON_LINKS } from "./links";
export { quickFixesFor, applyEdits, FIXABLE_RULES, type QuickFix, type TextEdit } from "./quick-fixes";
