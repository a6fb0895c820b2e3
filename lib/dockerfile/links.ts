/**
 * Lesson sections that explain each rule. Content adds a heading with the matching anchor, so a
 * diagnostic or an admission problem can send the learner to the paragraph that teaches the fix.
 */
export const LESSON_LINKS = {
  /** Stages, `FROM … AS name`, how stage names resolve. */
  stages: "/lessons/anatomy#stages",
  /** `COPY --from`: from a named, numbered or external image. */
  copyFrom: "/lessons/anatomy#copy-from",
  /** Running the final stage as a non-root user. */
  finalStageUser: "/lessons/anatomy#final-stage-user",
  /** Exec-form `CMD`/`ENTRYPOINT`. */
  execForm: "/lessons/anatomy#exec-form",
  /** BuildKit builds only the stages the target needs. */
  unusedStages: "/lessons/anatomy#unused-stages",
  /** Choosing and pinning base images; the images this sandbox offers. */
  baseImages: "/lessons/monolithic-image#base-images",
  /** What the sandbox refuses before building (directives, remote sources, RUN flags…). */
  sandboxRules: "/lessons/monolithic-image#sandbox-rules",
  /** Dockerfile syntax basics (parse errors). */
  syntax: "/lessons/monolithic-image#dockerfile-syntax",
} as const;
