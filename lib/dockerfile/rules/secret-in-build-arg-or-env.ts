/**
 * Secrets do not belong in ARG or ENV. ENV values are stored in the image configuration; build
 * args a stage uses are recorded in its history (`docker history` shows them); a default value is
 * written in the Dockerfile itself. Only a stage the final image is not built on keeps its ARGs
 * out of the shipped image, and only when the value is not written down.
 */
import type { Arg, Env, Property } from "dockerfile-ast";
import { nameWords, pointsToAFile } from "../../secret-names";
import { LESSON_LINKS } from "../links";
import { finalChain } from "./final-chain";
import type { Finding, Rule } from "./types";

// Whole words of the name, so `TOKENIZER_PATH` or `KEYBOARD` are not secrets. Narrower than the
// secret-scan check's default list: a lint warning while typing should not cry wolf.
const SECRET_WORDS = /(^|_)(PASSWORDS?|PASSWD|SECRETS?|TOKENS?|API_?KEYS?|PRIVATE_KEYS?|ACCESS_KEYS?|CREDENTIALS?)(_|$)/;

/** `dbPassword`, `DB_PASSWORD` and `db-password` all read as DB + PASSWORD (see `nameWords`). */
export function looksLikeSecret(name: string): boolean {
  const words = nameWords(name);
  return SECRET_WORDS.test(words) && !pointsToAFile(words);
}

const RUN_TIME = "Inject it when the container runs instead (`docker run -e`, or a mounted secret file).";

function finding(property: Property, why: string): Finding {
  return { message: `\`${property.getName()}\` looks like a secret: ${why} ${RUN_TIME}`, range: property.getNameRange() };
}

export const secretInBuildArgOrEnv: Rule = {
  id: "secret-in-build-arg-or-env",
  severity: "warning",
  link: LESSON_LINKS.buildSecrets,
  check({ analysis }) {
    const shipped = new Set(finalChain(analysis).map((s) => s.index));
    const argFinding = (arg: Arg, inFinalImage: boolean): Finding[] => {
      const property = arg.getProperty();
      if (!property || !looksLikeSecret(property.getName())) return [];
      const value = property.getValue();
      if (inFinalImage) return [finding(property, "build args used by the final image's stages are recorded in its history.")];
      if (value) return [finding(property, "its default value is written in the Dockerfile and kept in the image history.")];
      return [];
    };
    // Global ARGs only feed FROM lines, so only a written-down default leaks.
    const globals = analysis.ast.getInitialARGs().flatMap((arg) => argFinding(arg, false));
    const inStages = analysis.stages.flatMap((stage) =>
      stage.instructions.flatMap((instruction): Finding[] => {
        const inFinalImage = shipped.has(stage.index);
        if (instruction.getKeyword() === "ARG") return argFinding(instruction as Arg, inFinalImage);
        if (instruction.getKeyword() !== "ENV" || !inFinalImage) return [];
        return (instruction as Env)
          .getProperties()
          .filter((p) => looksLikeSecret(p.getName()) && (p.getValue() ?? "") !== "")
          .map((p) => finding(p, "ENV values are saved in the image configuration, readable by anyone with the image."));
      }),
    );
    return [...globals, ...inStages];
  },
};
