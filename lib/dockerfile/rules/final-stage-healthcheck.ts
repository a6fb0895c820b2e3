/**
 * A final image that serves a port should say how to check it is alive. HEALTHCHECK is inherited
 * through `FROM <stage>` (the catalog images define none), and `HEALTHCHECK NONE` is a deliberate
 * choice, so only an exposed port with no HEALTHCHECK anywhere in the final chain is reported.
 */
import { LESSON_LINKS } from "../links";
import { finalChain } from "./final-chain";
import type { Rule } from "./types";

export const finalStageHealthcheck: Rule = {
  id: "final-stage-healthcheck",
  severity: "info",
  link: LESSON_LINKS.runtimeStage,
  check({ analysis }) {
    const instructions = finalChain(analysis).flatMap((stage) => stage.instructions);
    if (instructions.some((i) => i.getKeyword() === "HEALTHCHECK")) return [];
    // The final stage's own EXPOSE comes first in the chain: underline that one.
    const expose = instructions.find((i) => i.getKeyword() === "EXPOSE");
    if (!expose) return [];
    const port = /^\d+/.exec(expose.getArguments()[0]?.getValue() ?? "")?.[0] ?? "8080";
    return [
      {
        message: `This image exposes a port but has no HEALTHCHECK, so an orchestrator cannot tell a live server from a hung one. Add one, e.g. \`HEALTHCHECK CMD wget -q -O /dev/null http://localhost:${port}/ || exit 1\`.`,
        range: expose.getRange(),
      },
    ];
  },
};
