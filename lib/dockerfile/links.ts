/**
 * Lesson sections that explain each rule. Content adds a heading with the matching anchor, so a
 * diagnostic or an admission problem can send the learner to the paragraph that teaches the fix.
 */
export const LESSON_LINKS = {
  /** Stages, `FROM … AS name`, how stage names resolve. */
  stages: "/lessons/anatomy#stages",
  /** `COPY --from`: from a named, numbered or external image. */
  copyFrom: "/lessons/copy-from#from-a-named-stage",
  /** Running the final stage as a non-root user. */
  finalStageUser: "/lessons/anatomy#final-stage-user",
  /** Exec-form `CMD`/`ENTRYPOINT`. */
  execForm: "/lessons/anatomy#exec-form",
  /** BuildKit builds only the stages the target needs. */
  unusedStages: "/lessons/anatomy#unused-stages",
  /** Builder order (manifests, install, sources, build) and why it keeps the dependency layer cached. */
  cacheOrder: "/lessons/cache-performance#dependencies-first",
  /** How the runtime stage says it is alive: HEALTHCHECK, in exec form when the image has no shell. */
  runtimeStage: "/lessons/security#health-checks-without-a-shell",
  /** The final image is its base, what was copied into it and its configuration; the rest is left behind. */
  discarded: "/lessons/anatomy#what-gets-discarded",
  /** What persists in the final image (ENV in its configuration, ARG values in its history), so secrets must stay out. */
  buildSecrets: "/lessons/security#keep-secrets-out-of-the-image",
  /** Everything a one-stage image carries: toolchain, sources, dependencies, leftovers. */
  oneStage: "/lessons/monolithic-image#what-a-one-stage-image-holds",
  /** The images this sandbox offers, with their sizes. */
  baseImages: "/lessons/monolithic-image#base-images",
  /** Pinning a base image to a tag instead of `latest` or none. */
  pinnedTags: "/lessons/security#pin-the-base-image",
  /** What the sandbox refuses before building (directives, remote sources, RUN flags…). */
  sandboxRules: "/lessons/monolithic-image#sandbox-rules",
  /** Dockerfile syntax basics (parse errors). */
  syntax: "/lessons/monolithic-image#dockerfile-syntax",
} as const;
