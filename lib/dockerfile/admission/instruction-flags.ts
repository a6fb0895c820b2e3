/**
 * Instruction flags the sandbox accepts. `RUN` takes none: `--mount` shares caches and secrets
 * across learners and can read other images, `--network` and `--security` lift the build's
 * isolation, `--device` exposes host devices. `ONBUILD` is refused: it plants instructions in an
 * image to run in someone else's build, nothing the course needs.
 *
 * Accepted: `FROM --platform` only as `$BUILDPLATFORM`/`$TARGETPLATFORM` (the engine's own
 * platform: a foreign platform makes the engine look for a matching image in a registry);
 * `COPY --from/--chown/--chmod/--link`; `ADD --chown/--chmod/--link` (`--link` is a cache optimisation; whether the engine's built-in frontend knows a flag is its own
 * business and shows up as a normal build error). `ADD --checksum`/`--keep-git-dir` only matter for
 * remote sources, which are refused, so they are refused too.
 */
import type { Instruction } from "dockerfile-ast";
import type { Problem } from "../../protocol";
import { LESSON_LINKS } from "../links";
import { flagName, type Analysis } from "../analysis";

export const ALLOWED_FLAGS: Readonly<Record<string, readonly string[]>> = {
  FROM: ["platform"],
  COPY: ["from", "chown", "chmod", "link"],
  ADD: ["chown", "chmod", "link"],
  RUN: [],
};

const RUN_FLAG_WHY: Record<string, string> = {
  mount: "mounts (caches, secrets, other images) would be shared outside your build",
  network: "builds in this sandbox always run without network",
  security: "builds cannot change their security sandbox",
  device: "builds cannot use host devices",
};

/** Values a flag may take, where not every value is safe. */
const ALLOWED_VALUES: Readonly<Record<string, RegExp>> = {
  "FROM --platform": /^\$(\{(BUILD|TARGET)PLATFORM\}|(BUILD|TARGET)PLATFORM)$/,
};

type FlagLike = { getName(): string; getValue(): string | null };

function flagsOf(instruction: Instruction): { name: string; value: string | null }[] {
  return "getFlags" in instruction && typeof instruction.getFlags === "function"
    ? (instruction.getFlags() as FlagLike[]).map((f) => ({ name: flagName(f.getName()), value: f.getValue() }))
    : [];
}

export function instructionFlags(analysis: Analysis): Problem[] {
  const problems: Problem[] = [];
  const link = LESSON_LINKS.sandboxRules;
  for (const instruction of analysis.ast.getInstructions()) {
    const keyword = instruction.getKeyword();
    const line = instruction.getRange().start.line + 1;
    if (keyword === "ONBUILD") {
      problems.push({ rule: "onbuild", line, message: "`ONBUILD` is not allowed in this sandbox: it plants instructions that run in a later build. Write the steps directly.", link });
      continue;
    }
    const allowed = ALLOWED_FLAGS[keyword];
    if (!allowed) continue;
    for (const { name, value } of flagsOf(instruction)) {
      const valuePattern = ALLOWED_VALUES[`${keyword} --${name}`];
      if (allowed.includes(name) && valuePattern && !valuePattern.test(value ?? "")) {
        problems.push({
          rule: "instruction-flag",
          line,
          message: `\`${keyword} --${name}=${value ?? ""}\` is not allowed: the sandbox builds only for its own platform. Use \`--${name}=$BUILDPLATFORM\` or leave the flag out.`,
          link,
        });
        continue;
      }
      if (allowed.includes(name)) continue;
      if (keyword === "RUN") {
        const why = RUN_FLAG_WHY[name] ?? "RUN takes no flags here";
        problems.push({ rule: "run-flag", line, message: `\`RUN --${name}\` is not allowed in this sandbox: ${why}. Remove the flag.`, link });
      } else {
        const ok = allowed.length > 0 ? ` Allowed: ${allowed.map((a) => `--${a}`).join(", ")}.` : "";
        problems.push({ rule: "instruction-flag", line, message: `\`${keyword} --${name}\` is not allowed in this sandbox.${ok}`, link });
      }
    }
  }
  return problems;
}
