/**
 * Dependencies before sources. A broad `COPY . .` changes whenever any file changes, and every
 * step after it runs again: if the dependency install comes after it, each code edit reinstalls
 * everything. Copying the manifests first keeps the install layer cached.
 */
import type { Copy, Instruction } from "dockerfile-ast";
import { flagName } from "../analysis";
import { LESSON_LINKS } from "../links";
import { dependencyInstalls, MANIFESTS, type Ecosystem } from "./dependency-installs";
import type { Finding, Rule } from "./types";

const WHOLE_CONTEXT = new Set([".", "./", "*", "./*"]);

/** The source words of a COPY/ADD (the last word is the destination), quotes removed. */
function sources(instruction: Instruction): string[] {
  const json = (instruction as Copy).getJSONStrings().map((j) => j.getJSONValue());
  const words = json.length > 0 ? json : instruction.getArguments().map((a) => a.getValue().replace(/["']/g, ""));
  return words.slice(0, -1);
}

/** `COPY . .`, `COPY . /app`, `ADD . …`: the whole build context, not one from another stage. */
function copiesWholeContext(instruction: Instruction): boolean {
  const keyword = instruction.getKeyword();
  if (keyword !== "COPY" && keyword !== "ADD") return false;
  if (keyword === "COPY" && (instruction as Copy).getFlags().some((f) => flagName(f.getName()) === "from")) return false;
  return sources(instruction).some((s) => WHOLE_CONTEXT.has(s));
}

export const cacheOrder: Rule = {
  id: "cache-order",
  severity: "warning",
  link: LESSON_LINKS.cacheOrder,
  check({ analysis }) {
    return analysis.stages.flatMap((stage): Finding[] => {
      // Ecosystems installed before the broad copy are cached correctly (a later reinstall, e.g.
      // `cargo build` on the real sources after a placeholder build, is the build itself).
      const installedBefore = new Set<Ecosystem>();
      let broadCopy: Instruction | undefined;
      for (const instruction of stage.instructions) {
        if (!broadCopy && copiesWholeContext(instruction)) {
          broadCopy = instruction;
          continue;
        }
        if (instruction.getKeyword() !== "RUN") continue;
        for (const install of dependencyInstalls(instruction)) {
          if (broadCopy && !installedBefore.has(install.ecosystem)) {
            const line = instruction.getRange().start.line + 1;
            return [
              {
                message: `Any source edit invalidates this copy and so the \`${install.command}\` below (line ${line}): dependencies reinstall on every change. Copy ${MANIFESTS[install.ecosystem]} first, install, then copy the rest.`,
                range: broadCopy.getRange(),
              },
            ];
          }
          installedBefore.add(install.ecosystem);
        }
      }
      return [];
    });
  },
};
