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
        // Slim and distroless-style bases have no wget or curl: the program's own runtime (or a
        // `-healthcheck` flag of the binary) is the probe that works everywhere.
        message:
          `This image exposes a port but has no HEALTHCHECK, so an orchestrator cannot tell a live server from a hung one. ` +
          `Add one in exec form that runs something the image has: on busybox \`HEALTHCHECK CMD ["wget", "-q", "-O", "/dev/null", "http://127.0.0.1:${port}/health"]\`; ` +
          `on slim or distroless bases (no wget or curl) a small probe in the app's own language or a health flag of the binary, e.g. \`HEALTHCHECK CMD ["/app/server", "-healthcheck"]\`.`,
        range: expose.getRange(),
      },
    ];
  },
};
