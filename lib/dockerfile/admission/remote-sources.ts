/**
 * `ADD` from a URL or a git repository makes the engine download it from the host network, even
 * with networking off for the build. Variables are refused in ADD sources because one could expand
 * to a URL.
 */
import type { Instruction } from "dockerfile-ast";
import type { Problem } from "../../protocol";
import { LESSON_LINKS } from "../links";
import type { Analysis } from "../analysis";

// After quote removal: URL schemes BuildKit fetches, scp-style git, and `….git` repositories.
// Any `://` at all is refused too: no local file name needs one.
const REMOTE = /^(https?:|ftp:|git:|ssh:|git@)|:\/\/|\.git(#.*)?$/i;

/**
 * The words of an ADD with quotes, escapes and JSON punctuation removed, the way the builder's
 * word processing would leave them: `"ht"tps://x` is `https://x` to BuildKit, so it is here.
 */
export function addWords(add: Instruction): string[] {
  const json =
    "getJSONStrings" in add && typeof add.getJSONStrings === "function"
      ? (add.getJSONStrings() as { getJSONValue(): string }[])
      : [];
  const words = [...add.getArguments().map((a) => a.getValue()), ...json.map((j) => j.getJSONValue())];
  return words.map((w) => w.replace(/["'`\\\s[\],]/g, ""));
}

export function remoteSources(analysis: Analysis): Problem[] {
  const problems: Problem[] = [];
  for (const stage of analysis.stages) {
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== "ADD") continue;
      const line = instruction.getRange().start.line + 1;
      const words = addWords(instruction);
      const remote = words.find((w) => REMOTE.test(w));
      if (remote) {
        problems.push({
          rule: "add-remote-source",
          line,
          message: `\`ADD ${remote}\` downloads from the network, which this sandbox does not allow. Use \`COPY\` with files from the exercise instead.`,
          link: LESSON_LINKS.sandboxRules,
        });
      } else if (words.some((w) => w.includes("$"))) {
        problems.push({
          rule: "add-remote-source",
          line,
          message: "Write `ADD` sources out in full: the sandbox refuses variables there because they could name a download. `COPY` is the usual choice for local files.",
          link: LESSON_LINKS.sandboxRules,
        });
      }
    }
  }
  return problems;
}
