/**
 * Base images should be pinned to a tag: an untagged ref means `:latest`, which changes under you
 * and makes builds unrepeatable.
 */
import { LESSON_LINKS } from "../links";
import { baseRange, classifyBase } from "./base-image-refs";
import type { Rule } from "./types";

/** Splits `registry:5000/repo:tag@digest` into its tag and digest (a port is not a tag). */
export function tagOf(ref: string): { tag: string | null; digest: string | null } {
  const [nameAndTag = "", digest = null] = ref.split("@", 2);
  const lastSlash = nameAndTag.lastIndexOf("/");
  const colon = nameAndTag.indexOf(":", lastSlash + 1);
  return { tag: colon === -1 ? null : nameAndTag.slice(colon + 1), digest };
}

export const baseImageTag: Rule = {
  id: "base-image-tag",
  severity: "warning",
  link: LESSON_LINKS.pinnedTags,
  check(ctx) {
    return ctx.analysis.stages.flatMap((stage) => {
      const base = classifyBase(ctx, stage);
      if (base.kind !== "image") return [];
      const { tag, digest } = tagOf(base.ref);
      if (digest) return [];
      if (tag === null || tag === "latest") {
        const what = tag === null ? "has no tag, which means `:latest`" : "uses `:latest`";
        return [
          {
            message: `\`${base.ref}\` ${what}: whatever that points to today may change tomorrow. Pin a specific tag so every build starts from the same image.`,
            range: baseRange(stage),
          },
        ];
      }
      return [];
    });
  },
};
