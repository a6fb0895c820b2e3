/**
 * The base images a learner's Dockerfile may name in `FROM` (and `COPY --from`). No registry is
 * reachable from the sandbox, so each one is built locally by `npm run images:prepare` from a
 * recipe in `sandbox-runner/images/`. They live under the project's own `stagecraft/` namespace
 * and say which upstream image they stand in for: a local rebuild is never tagged with an
 * upstream name it is not (DESIGN.md §5).
 */

export type CatalogImage = {
  /** The exact reference learners write, e.g. `stagecraft/golang:1.19`. */
  ref: string;
  /** The upstream image this one replaces in the lessons, e.g. `golang:1.19-bookworm`. */
  standsInFor: string;
  /** base: a general OS layer; runtime: a small final stage; toolchain: a builder stage. */
  role: "base" | "runtime" | "toolchain";
  /** One plain sentence about what is inside, shown to learners. */
  contains: string;
};

export const IMAGE_CATALOG: readonly CatalogImage[] = [
  {
    ref: "stagecraft/debian:bookworm-slim",
    standsInFor: "debian:bookworm-slim",
    role: "base",
    contains: "A minimal Debian 12 (bookworm) system with a shell, coreutils and apt, without docs or locales.",
  },
  {
    ref: "stagecraft/busybox:1.35",
    standsInFor: "busybox:1.35",
    role: "runtime",
    contains:
      "A single static BusyBox 1.35 binary providing sh and the common Unix tools, plus a non-root user app (uid 65532) and /tmp.",
  },
  {
    ref: "stagecraft/golang:1.19",
    standsInFor: "golang:1.19-bookworm",
    role: "toolchain",
    contains:
      "Debian bookworm with the Go 1.19 toolchain, gcc for cgo and CA certificates, set up to build standard-library programs offline.",
  },
  {
    ref: "stagecraft/gcc:12",
    standsInFor: "gcc:12",
    role: "toolchain",
    contains: "Debian bookworm with the GCC 12 C compiler, the C library headers and make.",
  },
];

/** The catalog entry for exactly `ref` (no tag defaulting: `stagecraft/golang` is not a match). */
export function findCatalogImage(ref: string): CatalogImage | undefined {
  return IMAGE_CATALOG.find((image) => image.ref === ref);
}
