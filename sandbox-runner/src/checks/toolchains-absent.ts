/**
 * The final image holds none of the named toolchains. One pass over the exported filesystem
 * (image-files.ts `walk`) is matched against the table in lib/toolchains.ts; programs are looked for in
 * the standard bin directories and the image's own PATH.
 */
import { DEFAULT_BIN_DIRS, TOOLCHAINS, toolchainMatcher, type ToolchainFinding, type ToolchainId } from "../../../lib/toolchains";
import { withImageFiles } from "./image-files";
import type { CheckFn } from "./types";
import { fail, pass, requireImage } from "./types";

/** Paths a message names per toolchain, the most telling first. */
const SHOWN_PER_TOOLCHAIN = 3;
/** Findings kept per toolchain to choose those from; once every toolchain has this many, the walk stops. */
const KEPT_PER_TOOLCHAIN = 20;

export const toolchainsAbsent: CheckFn<"toolchains-absent"> = async (ctx, spec) => {
  const image = requireImage(ctx);
  const env = (await ctx.docker.getImage(image).inspect()).Config?.Env ?? [];
  const path = env.find((kv) => kv.startsWith("PATH="))?.slice("PATH=".length) ?? "";
  const binDirs = [...DEFAULT_BIN_DIRS, ...path.split(":").filter((dir) => dir.startsWith("/"))];
  const wanted = [...new Set(spec.toolchains)];
  const { found, entries } = await scanImage(ctx.docker, image, wanted, binDirs);

  const present = wanted.filter((id) => found.get(id)!.length > 0);
  const names = (ids: ToolchainId[]) => ids.map((id) => TOOLCHAINS[id].label).join(", ");
  if (present.length === 0) return pass(`none in the final image (${entries} files and folders searched): ${names(wanted)}`);
  const where = present.map((id) => `${TOOLCHAINS[id].label} (${shown(found.get(id)!)})`);
  return fail(`found in the final image: ${where.join("; ")}`, {
    type: "table",
    columns: ["toolchain", "found at"],
    rows: wanted.map((id) => [TOOLCHAINS[id].label, found.get(id)!.length > 0 ? shown(found.get(id)!) : "not found"]),
  });
};

async function scanImage(docker: Parameters<typeof withImageFiles>[0], image: string, wanted: ToolchainId[], binDirs: string[]) {
  const match = toolchainMatcher(wanted, binDirs);
  const found = new Map<ToolchainId, ToolchainFinding[]>(wanted.map((id) => [id, []]));
  const entries = await withImageFiles(docker, image, (files) =>
    files.walk((entry) => {
      for (const finding of match(entry)) {
        const list = found.get(finding.toolchain)!;
        // A directory match repeats for every file inside it: keep the first.
        if (list.length < KEPT_PER_TOOLCHAIN && !list.some((f) => f.path === finding.path)) list.push(finding);
      }
      return ![...found.values()].every((list) => list.length >= KEPT_PER_TOOLCHAIN);
    }),
  );
  for (const list of found.values()) list.sort((a, b) => a.rank - b.rank);
  return { found, entries };
}

/** `/usr/bin/gcc, /usr/include/stdio.h, /usr/lib/gcc/…/cc1 and more`. */
function shown(findings: ToolchainFinding[]): string {
  const paths = findings.slice(0, SHOWN_PER_TOOLCHAIN).map((f) => (f.note ? `${f.path} ${f.note}` : f.path));
  return paths.join(", ") + (findings.length > SHOWN_PER_TOOLCHAIN ? " and more" : "");
}
