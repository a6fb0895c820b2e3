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
  /**
   * The upstream image this one replaces in the lessons, e.g. `golang:1.19-bookworm` or
   * `gcr.io/distroless/static-debian12:nonroot`.
   */
  standsInFor: string;
  /** base: a general OS layer; runtime: a small final stage; toolchain: a builder stage. */
  role: "base" | "runtime" | "toolchain";
  /** One plain sentence about what is inside, shown to learners. */
  contains: string;
  /**
   * The user the image runs as, when it sets one (its `Config.User`, e.g. `65532:65532` for the
   * distroless-style `:nonroot` images). Absent: root. Lint uses it: a final stage on such a base
   * is not root even without its own USER.
   */
  user?: string;
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
    contains:
      "Debian bookworm with the GCC 12 C compiler, the glibc headers, make and musl-gcc, to build the same program against glibc or musl.",
  },
  {
    ref: "stagecraft/node:18",
    standsInFor: "node:18-bookworm",
    role: "toolchain",
    contains:
      "Debian bookworm with Node.js 18, npm 10, a user node (uid 1000), g++, make and python3 for native addons, and an offline npm cache holding every package in the course's lockfiles, so npm ci needs no network.",
  },
  {
    ref: "stagecraft/node:18-slim",
    standsInFor: "node:18-bookworm-slim",
    role: "runtime",
    contains:
      "Debian bookworm with Node.js 18, npm 10, a user node (uid 1000) and the same offline npm cache as stagecraft/node:18, without compilers.",
  },
  {
    ref: "stagecraft/python:3.11",
    standsInFor: "python:3.11-bookworm",
    role: "toolchain",
    contains:
      "Debian bookworm with Python 3.11 at /usr/bin/python3.11, pip, venv, gcc and the Python headers, and an offline wheelhouse (pip, setuptools, wheel) that pip is set to install from.",
  },
  {
    ref: "stagecraft/python:3.11-slim",
    standsInFor: "python:3.11-slim-bookworm",
    role: "runtime",
    contains:
      "Debian bookworm with Python 3.11 at the same /usr/bin/python3.11 path, pip, venv and the same offline wheelhouse, without a compiler, so a venv built in stagecraft/python:3.11 runs here.",
  },
  {
    ref: "stagecraft/rust:1.63",
    standsInFor: "rust:1.63-bookworm",
    role: "toolchain",
    contains:
      "Debian bookworm with rustc 1.63, cargo and gcc, where crates.io is replaced by Debian's packaged crate sources (serde, serde_derive, serde_json and their dependencies), so cargo builds offline.",
  },
  {
    ref: "stagecraft/distroless-static:nonroot",
    standsInFor: "gcr.io/distroless/static-debian12:nonroot",
    role: "runtime",
    user: "65532:65532",
    contains:
      "No shell, no package manager and no C library: only CA certificates, /etc/passwd with root and nonroot (uid 65532), /home/nonroot and /tmp, running as nonroot, for statically linked programs.",
  },
  {
    ref: "stagecraft/distroless-cc:nonroot",
    standsInFor: "gcr.io/distroless/cc-debian12:nonroot",
    role: "runtime",
    user: "65532:65532",
    contains:
      "Everything in stagecraft/distroless-static:nonroot plus glibc, libgcc_s, libstdc++ and OpenSSL 3 from Debian 12, for dynamically linked programs, and still no shell.",
  },
];

/** The catalog entry for exactly `ref` (no tag defaulting: `stagecraft/golang` is not a match). */
export function findCatalogImage(ref: string): CatalogImage | undefined {
  return IMAGE_CATALOG.find((image) => image.ref === ref);
}
