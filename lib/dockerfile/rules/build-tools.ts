/**
 * Build tooling in the final image, for the two build-tools rules: a toolchain base image
 * (`findCatalogImage(ref).role === "toolchain"`) or compilers and headers installed with the
 * system package manager in a stage the final image is built on.
 */
import type { Instruction } from "dockerfile-ast";
import type { LspRange } from "../diagnostic";
import { findCatalogImage } from "../../image-catalog";
import { baseRange, classifyBase } from "./base-image-refs";
import { finalChain } from "./final-chain";
import { runCommands, subcommand } from "./shell-commands";
import type { RuleContext } from "./types";

// Compilers, build drivers and development headers (`libssl-dev`, `openssl-devel`): the course
// keeps them in the builder. Version suffixes (`gcc-12`, `golang-1.19`) count too.
const BUILD_TOOL = /^(gcc|g\+\+|cpp|clang|llvm|make|cmake|build-essential|build-base|autoconf|automake|libtool|golang|go|rustc|rust|cargo|musl-dev|linux-headers)([-.\d].*)?$|-(dev|devel)$/;

const INSTALL: Record<string, string[]> = {
  "apt-get": ["install"],
  apt: ["install"],
  apk: ["add"],
  yum: ["install"],
  dnf: ["install"],
  microdnf: ["install"],
};
const REMOVE: Record<string, string[]> = {
  "apt-get": ["remove", "purge"],
  apt: ["remove", "purge"],
  apk: ["del"],
  yum: ["remove", "erase"],
  dnf: ["remove", "erase"],
  microdnf: ["remove"],
};

/** Options that take a value: apk's `--virtual`/`-t` group name, apt's `-t` release. */
const WITH_VALUE = new Set(["--virtual", "-t"]);

/** Package names after the subcommand, without options or version pins (`gcc=4:12.2`). */
function packages(args: readonly string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!;
    if (WITH_VALUE.has(word)) i++;
    if (word.startsWith("-")) continue;
    out.push(word.replace(/["']/g, "").split(/[=<>~]/)[0]!.toLowerCase());
  }
  return out;
}

/**
 * Build tools a RUN leaves installed. Tools removed again in the same RUN never reach a layer
 * (e.g. `apk add --virtual .build-deps gcc && … && apk del .build-deps`), so they do not count.
 */
export function installedBuildTools(run: Instruction): string[] {
  const installed: { tool: string; group?: string }[] = [];
  const removed = new Set<string>();
  for (const words of runCommands(run)) {
    const [manager = ""] = words;
    const sub = subcommand(words) ?? "";
    const args = words.slice(words.indexOf(sub) + 1);
    if (INSTALL[manager]?.includes(sub)) {
      const flag = args.findIndex((w) => w === "--virtual" || (manager === "apk" && w === "-t"));
      const group = flag === -1 ? undefined : args[flag + 1]?.toLowerCase();
      for (const tool of packages(args).filter((p) => BUILD_TOOL.test(p))) installed.push({ tool, group });
    } else if (REMOVE[manager]?.includes(sub)) {
      for (const name of packages(args)) removed.add(name);
    }
  }
  return installed.filter(({ tool, group }) => !removed.has(tool) && !(group && removed.has(group))).map((i) => i.tool);
}

export type BuildToolsFinding =
  | { kind: "toolchain-base"; ref: string; range: LspRange }
  | { kind: "installs"; tools: string[]; range: LspRange };

/** Every place build tools enter the final image: its toolchain base, and each installing RUN. */
export function buildToolsInFinalImage(ctx: RuleContext): BuildToolsFinding[] {
  const out: BuildToolsFinding[] = [];
  for (const stage of finalChain(ctx.analysis)) {
    const base = classifyBase(ctx, stage);
    if (base.kind === "image" && findCatalogImage(base.ref)?.role === "toolchain") {
      out.push({ kind: "toolchain-base", ref: base.ref, range: baseRange(stage) });
    }
    for (const instruction of stage.instructions) {
      if (instruction.getKeyword() !== "RUN") continue;
      const tools = installedBuildTools(instruction);
      if (tools.length > 0) out.push({ kind: "installs", tools: [...new Set(tools)], range: instruction.getRange() });
    }
  }
  return out;
}
