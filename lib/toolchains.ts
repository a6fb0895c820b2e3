/**
 * What reveals a toolchain in an image's filesystem, for the toolchains-absent check: directories
 * a toolchain installs and the programs it puts on the PATH. Pure data plus the matcher; the
 * runner feeds it every entry of the exported filesystem in one pass.
 *
 * The table errs towards what a build leaves behind, not what a runtime needs: the Node runtime
 * (`node`, even npm's own bundled modules) is not a Node build toolchain, a Python venv is not a
 * Python build toolchain, and `ld` alone (binutils) is not a C compiler.
 */
import type { CheckSpecOf } from "./checks";

export type ToolchainId = CheckSpecOf<"toolchains-absent">["toolchains"][number];

export type ToolchainSignature = {
  /** How the learner reads it in a message: "the Go toolchain". */
  label: string;
  /**
   * Absolute path globs: `*` matches within one path segment, `/**` any number of segments. A
   * match is reported once, at the matching directory or file, not for every file inside it.
   */
  paths: readonly string[];
  /** Program name globs looked for in the bin directories (the standard ones and the image's PATH). */
  programs: readonly string[];
};

// C compilers pip would also reach for when it builds a C extension.
const C_COMPILERS = ["gcc", "cc", "clang", "musl-gcc", "tcc", "gcc-[0-9]*", "clang-[0-9]*", "*-linux-gnu-gcc*", "c++", "g++", "g++-[0-9]*", "*-linux-gnu-g++*", "c89", "c99"];

export const TOOLCHAINS: { readonly [K in ToolchainId]: ToolchainSignature } = {
  go: {
    label: "the Go toolchain",
    // Debian's golang-1.19 lives in /usr/lib/go-1.19 (+ its sources in /usr/share/go-1.19); the
    // upstream golang image in /usr/local/go.
    paths: ["/usr/local/go", "/usr/lib/go", "/usr/lib/go-*", "/usr/share/go-*"],
    programs: ["go", "gofmt"],
  },
  c: {
    label: "a C compiler",
    // cc1 is the compiler proper (gcc is only its driver); stdio.h means the C library headers.
    paths: ["/usr/lib/gcc/*/*/cc1", "/usr/libexec/gcc/*/*/cc1", "/usr/include/stdio.h", "/usr/include/*/stdio.h", "/usr/lib/musl/include/stdio.h"],
    // Not `ld`, `as` or `ar`: binutils can be in a runtime image for other reasons and cannot
    // compile C on their own.
    programs: C_COMPILERS,
  },
  rust: {
    label: "the Rust toolchain",
    paths: ["/usr/local/cargo/bin", "/usr/local/rustup", "/root/.cargo/bin", "/home/*/.cargo/bin", "/root/.rustup", "/usr/lib/rustlib", "/usr/local/lib/rustlib"],
    programs: ["rustc", "cargo", "rustup"],
  },
  "node-build": {
    label: "Node build tools",
    // Compilers and bundlers from devDependencies, and npm's download cache (left by `npm ci` or
    // `npm install` run in this stage). npm itself is a package manager, not a build tool.
    paths: [
      "/**/node_modules/typescript",
      "/**/node_modules/ts-node",
      "/**/node_modules/esbuild",
      "/**/node_modules/webpack",
      "/**/node_modules/@babel/core",
      "/**/node_modules/@swc/core",
      "/usr/share/nodejs/typescript",
      "/root/.npm/_cacache",
      "/home/*/.npm/_cacache",
    ],
    programs: ["tsc", "ts-node", "esbuild", "webpack"],
  },
  "python-build": {
    label: "Python build tools",
    // What building a C extension needs: a compiler and Python's own headers (python3-dev).
    paths: ["/usr/include/python3*", "/usr/local/include/python3*", "/usr/lib/python3*/config-*"],
    programs: [...C_COMPILERS, "python3*-config", "*-linux-gnu-python3*-config"],
  },
  "package-manager": {
    label: "a package manager",
    // Not /var/lib/dpkg: distroless images keep package metadata for scanners without dpkg.
    paths: ["/usr/lib/node_modules/npm", "/usr/local/lib/node_modules/npm", "/**/site-packages/pip", "/usr/lib/python3/dist-packages/pip"],
    programs: ["apt", "apt-get", "dpkg", "apk", "yum", "dnf", "microdnf", "rpm", "npm", "npx", "yarn", "pnpm", "pip", "pip3", "pip3.*", "gem"],
  },
  shell: {
    label: "a shell",
    paths: [],
    programs: ["sh", "bash", "dash", "ash", "zsh", "ksh", "mksh", "busybox"],
  },
};

/** Where programs are looked for besides the image's own PATH. */
export const DEFAULT_BIN_DIRS: readonly string[] = ["/bin", "/sbin", "/usr/bin", "/usr/sbin", "/usr/local/bin", "/usr/local/sbin"];

/** One entry of the image's filesystem, path absolute without a trailing slash. */
export type FsEntry = { path: string; type: "file" | "directory" | "symlink" | "link" | "other"; linkTarget?: string };

export type ToolchainFinding = {
  toolchain: ToolchainId;
  /** The directory or file that matched. */
  path: string;
  /** Why it counts when that is not obvious from the path: "→ busybox" for a BusyBox applet. */
  note?: string;
  /** Lower is more telling (a message shows the first few): programs in table order, then paths. */
  rank: number;
};

/**
 * A matcher for one scan. A BusyBox applet link (`/bin/sh → busybox`) is BusyBox acting as that
 * program: it counts as a shell (BusyBox is one), but BusyBox's `dpkg` or `rpm` applets do not make
 * a package manager, since without a package database and a network they install nothing.
 *
 * @param binDirs directories searched for `programs`. @default DEFAULT_BIN_DIRS
 */
export function toolchainMatcher(ids: readonly ToolchainId[], binDirs: readonly string[] = DEFAULT_BIN_DIRS) {
  const dirs = new Set(binDirs.map(trimSlash));
  const compiled = [...new Set(ids)].map((id) => ({
    id,
    paths: TOOLCHAINS[id].paths.map(pathPattern),
    programs: TOOLCHAINS[id].programs.map(namePattern),
  }));
  return (entry: FsEntry): ToolchainFinding[] => {
    const found: ToolchainFinding[] = [];
    const slash = entry.path.lastIndexOf("/");
    const dir = entry.path.slice(0, slash) || "/";
    const name = entry.path.slice(slash + 1);
    const inBinDir = dirs.has(dir) && entry.type !== "directory";
    const applet = isBusyboxApplet(entry);
    for (const { id, paths, programs } of compiled) {
      const pathIndex = paths.findIndex((re) => re.test(entry.path));
      if (pathIndex >= 0) {
        found.push({ toolchain: id, path: paths[pathIndex]!.exec(entry.path)![1]!, rank: programs.length + pathIndex });
        continue;
      }
      const programIndex = inBinDir ? programs.findIndex((re) => re.test(name)) : -1;
      if (programIndex < 0 || (applet && id !== "shell")) continue;
      found.push({ toolchain: id, path: entry.path, rank: programIndex, ...(applet && { note: "→ busybox" }) });
    }
    return found;
  };
}

function isBusyboxApplet(entry: FsEntry): boolean {
  return (entry.type === "symlink" || entry.type === "link") && /(^|\/)busybox$/.test(entry.linkTarget ?? "");
}

/** `/usr/lib/go-*` → matches `/usr/lib/go-1.19` and everything below it, capturing the match. */
export function pathPattern(glob: string): RegExp {
  const body = glob
    .split("/**")
    .map((part) => part.split("*").map(escapeRegExp).join("[^/]*"))
    .join("(?:/[^/]+)*");
  return new RegExp(`^(${body})(?:/|$)`);
}

/** `gcc-[0-9]*` → a whole-name pattern; `[…]` classes pass through, `*` stays within the name. */
export function namePattern(glob: string): RegExp {
  const body = glob
    .split(/(\[[^\]]*\])/)
    .map((part, i) => (i % 2 === 1 ? part : part.split("*").map(escapeRegExp).join(".*")))
    .join("");
  return new RegExp(`^${body}$`);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
}

function trimSlash(dir: string): string {
  return dir.length > 1 ? dir.replace(/\/+$/, "") : dir;
}
