/**
 * Mistakes in an exercise's checks that the schema alone cannot see, because they depend on the
 * exercise's other files: a rebuild that edits a file the context does not have, a target the
 * solution has no stage for. Caught while authoring (lessons:check, next build) instead of as an
 * `error` in a learner's run.
 */
import type { CheckSpec } from "../checks";
import { analyzeDockerfile } from "../dockerfile/index";

/** One problem per mistake, each naming the check by its index and id. */
export function checkRefProblems(checks: readonly CheckSpec[], files: { contextFiles: readonly string[]; solution: string }): string[] {
  const problems: string[] = [];
  let stageNames: Set<string> | null = null;
  const solutionStages = () => (stageNames ??= new Set(analyzeDockerfile(files.solution).stages.flatMap((s) => s.name ?? [])));
  checks.forEach((check, i) => {
    const at = `checks.${i} (${check.id})`;
    if (check.kind === "rebuild-cache" && !files.contextFiles.includes(check.edit)) {
      problems.push(`${at}: edit "${check.edit}" is not a file in context/ (files: ${files.contextFiles.join(", ") || "none"})`);
    }
    if (check.kind === "targets") {
      const missing = check.targets.map((t) => t.target).filter((t) => !solutionStages().has(t.toLowerCase()) && !solutionStages().has(t));
      if (missing.length > 0) {
        problems.push(`${at}: the solution has no stage named ${missing.map((t) => `"${t}"`).join(", ")} to build as a target`);
      }
    }
  });
  return problems;
}
