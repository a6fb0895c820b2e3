/**
 * The optional parts of `CheckContext` the build checks depend on. The pipeline always provides
 * them; a narrow unit test that leaves them out gets `error`, never a silent pass.
 */
import type { Exercise } from "../../../lib/lessons/schema";
import type { CheckContext, VariantBuilder } from "./types";

export function requireVariants(ctx: CheckContext): VariantBuilder {
  if (!ctx.variants) throw new Error("this runner cannot make the extra builds this check needs");
  return ctx.variants;
}

export function requireExercise(ctx: CheckContext): Exercise {
  if (!ctx.exercise) throw new Error("the exercise being graded is unknown to this check");
  return ctx.exercise;
}
