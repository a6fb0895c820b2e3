/**
 * Every base image must come from the Stagecraft catalog: the sandbox has no registry, so any
 * other `FROM` fails when the builder tries to pull it.
 */
import { LESSON_LINKS } from "../links";
import { baseRange, classifyBase } from "./base-image-refs";
import type { Rule, RuleContext } from "./types";

/** Suggests the catalog ref with the same repository (`stagecraft/golang` → `stagecraft/golang:1.19`). */
export function suggestCatalogRef(ref: string, catalogRefs: readonly string[]): string | undefined {
  const repo = (s: string) => {
    const name = s.split("@")[0] ?? "";
    const slash = name.lastIndexOf("/");
    const colon = name.indexOf(":", slash + 1);
    const path = colon === -1 ? name : name.slice(0, colon);
    return path.slice(path.lastIndexOf("/") + 1).toLowerCase();
  };
  return catalogRefs.find((c) => repo(c) === repo(ref));
}

export function notInCatalogMessage(ref: string, ctx: Pick<RuleContext, "catalogRefs">): string {
  const suggestion = suggestCatalogRef(ref, ctx.catalogRefs);
  const hint = suggestion ? ` Did you mean \`${suggestion}\`?` : "";
  return `\`${ref}\` is not available: this sandbox has no registry to pull from.${hint} Available images: ${ctx.catalogRefs.join(", ")}.`;
}

export const baseImageCatalog: Rule = {
  id: "base-image-not-in-catalog",
  severity: "error",
  link: LESSON_LINKS.baseImages,
  check(ctx) {
    return ctx.analysis.stages.flatMap((stage) => {
      const base = classifyBase(ctx, stage);
      const range = baseRange(stage);
      switch (base.kind) {
        case "image":
          return ctx.isCatalogImage(base.ref) ? [] : [{ message: notInCatalogMessage(base.ref, ctx), range }];
        case "later-stage":
          return [
            {
              message: `\`${base.ref}\` is a stage defined later (line ${base.stage.fromLine}), so here it would be pulled as an image. A stage can only start FROM a stage above it.`,
              range,
            },
          ];
        case "unresolved":
          return [
            {
              message: `\`${stage.base}\` uses an ARG with no default value declared before the first FROM, and this sandbox passes no build args. Give the ARG a default such as \`${ctx.catalogRefs[0] ?? "an image from the catalog"}\`.`,
              range,
            },
          ];
        default:
          return [];
      }
    });
  },
};
