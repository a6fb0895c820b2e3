/**
 * `# syntax=` makes the engine pull a frontend image from a registry (even with networking off
 * for the build), and `# check=` changes how the frontend reports; both are refused. `# escape=`
 * only changes the continuation character and is allowed.
 *
 * Any such comment line is refused, not only the leading ones BuildKit honours: being stricter
 * than the parser costs nothing and leaves no doubt about where the directive region ends.
 */
import { LESSON_LINKS } from "../links";
import { splitLines } from "./text-limits";
import type { Problem } from "../../protocol";

const REFUSED = /^\uFEFF?\s*#\s*(syntax|check)\s*=/i;

export function parserDirectives(text: string): Problem[] {
  return splitLines(text).flatMap((line, i) => {
    const match = REFUSED.exec(line);
    if (!match) return [];
    const name = match[1]?.toLowerCase();
    const why =
      name === "syntax"
        ? "it makes the builder download a frontend image, and this sandbox has no registry"
        : "the sandbox runs the builder's checks with its own settings";
    return [
      {
        rule: "parser-directive",
        line: i + 1,
        message: `Remove the \`# ${name}=\` parser directive: ${why}. The built-in Dockerfile syntax is used.`,
        link: LESSON_LINKS.sandboxRules,
      },
    ];
  });
}
