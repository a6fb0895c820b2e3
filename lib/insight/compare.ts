/**
 * Comparison insight: the learner's final image beside the exercise's starter (the monolith) and
 * its reference solution. Files are grouped the way a learner thinks about them (a toolchain,
 * sources, package-manager caches, docs, the OS from the base image, the app the Dockerfile
 * added) and summed per group, so "what differs" reads as
 * "the Go toolchain (410 MiB) is still in yours", not as ten thousand paths.
 */
import { z } from "zod";
import { toolchainMatcher, TOOLCHAINS, type FsEntry, type ToolchainId } from "../toolchains";

export const FILE_CATEGORIES = ["toolchain", "package-cache", "sources", "docs", "system", "app"] as const;
export const FileCategory = z.enum(FILE_CATEGORIES);
export type FileCategory = z.infer<typeof FileCategory>;

export const CATEGORY_LABELS: Record<FileCategory, string> = {
  toolchain: "Build toolchains",
  "package-cache": "Package-manager caches",
  sources: "Source files",
  docs: "Docs and manuals",
  system: "OS and libraries",
  app: "Your app and other files",
};

export const FileGroup = z.object({
  category: FileCategory,
  /** What the learner reads: a toolchain's label, or a directory such as `/usr/share/doc`. */
  label: z.string(),
  /** The directory (or file) the group is rooted at. */
  path: z.string(),
  bytes: z.number().int().nonnegative(),
  files: z.number().int().nonnegative(),
});
export type FileGroup = z.infer<typeof FileGroup>;

export const ImageSummary = z.object({
  sizeBytes: z.number().int().nonnegative(),
  /** Layers that changed the filesystem. */
  layerCount: z.number().int().nonnegative(),
  categories: z.record(FileCategory, z.number().int().nonnegative()),
  groups: z.array(FileGroup),
});
export type ImageSummary = z.infer<typeof ImageSummary>;

export const GroupDiff = z.object({
  category: FileCategory,
  label: z.string(),
  path: z.string(),
  /** Bytes in the learner's image and in the other one (0 when absent). */
  mineBytes: z.number().int().nonnegative(),
  otherBytes: z.number().int().nonnegative(),
});
export type GroupDiff = z.infer<typeof GroupDiff>;

const Side = z.discriminatedUnion("available", [
  z.object({ available: z.literal(true), summary: ImageSummary, diff: z.array(GroupDiff) }),
  z.object({ available: z.literal(false), reason: z.string() }),
]);

export const ComparisonInsight = z.object({
  mine: ImageSummary,
  starter: Side,
  solution: Side,
});
export type ComparisonInsight = z.infer<typeof ComparisonInsight>;

/** Groups kept per image, biggest first; the rest still count in `categories`. */
export const GROUPS_KEPT = 60;
/** Rows of a diff shown. */
export const DIFF_ROWS = 8;
/** Differences smaller than this are noise (a rebuilt binary, a timestamp file). */
const DIFF_MIN_BYTES = 64 * 1024;

const BUILD_TOOLCHAINS: ToolchainId[] = ["go", "c", "rust", "node-build", "python-build"];

const CACHE_DIRS = [
  "/go/cache",
  "/var/lib/apt/lists",
  "/var/cache/apt",
  "/var/cache/apk",
  "/var/cache/debconf",
  "/root/.npm",
  "/root/.cache",
  "/root/go/pkg/mod",
  "/go/pkg/mod",
  "/root/.cargo/registry",
  "/usr/local/cargo/registry",
  "/tmp",
];
/** Parts of a toolchain its signature does not name (it names only what proves it is there). */
const TOOLCHAIN_DIRS: [dir: string, id: ToolchainId][] = [
  ["/usr/lib/gcc", "c"],
  ["/usr/libexec/gcc", "c"],
];
const DOC_DIRS = ["/usr/share/doc", "/usr/share/man", "/usr/share/info", "/usr/share/locale", "/usr/share/help"];
const SYSTEM_ROOTS = ["/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/usr", "/etc", "/var", "/opt", "/run", "/dev", "/proc", "/sys"];
const SOURCE_FILE = /\.(go|c|h|cc|cpp|hpp|rs|ts|tsx|java|kt|py|mod|sum|toml|lock)$|(^|\/)(Makefile|Dockerfile|package\.json|package-lock\.json|go\.mod|go\.sum|Cargo\.toml|Cargo\.lock|requirements\.txt)$/;

/** One file of a merged filesystem, for grouping. */
export type SizedEntry = FsEntry & { size: number };

/**
 * A grouper for one image: classifies each entry and sums bytes per group. Feed it every entry,
 * then `summary()`. Toolchain matches group at the toolchain's own directory (`/usr/lib/go-1.19`).
 */
export function createGrouper() {
  const matchToolchain = toolchainMatcher(BUILD_TOOLCHAINS);
  const groups = new Map<string, FileGroup>();
  const categories = Object.fromEntries(FILE_CATEGORIES.map((c) => [c, 0])) as Record<FileCategory, number>;
  return {
    /** @param own written by the image's own instructions rather than its base image */
    add(entry: SizedEntry, own: boolean) {
      if (entry.type === "directory") return;
      const { category, label, path } = classify(entry, own, matchToolchain);
      categories[category] += entry.size;
      const key = `${category}\0${path}`;
      const group = groups.get(key) ?? { category, label, path, bytes: 0, files: 0 };
      group.bytes += entry.size;
      group.files += 1;
      groups.set(key, group);
    },
    summary(sizeBytes: number, layerCount: number): ImageSummary {
      const sorted = [...groups.values()].sort((a, b) => b.bytes - a.bytes || a.path.localeCompare(b.path));
      return { sizeBytes, layerCount, categories, groups: sorted.slice(0, GROUPS_KEPT) };
    },
  };
}

function classify(entry: SizedEntry, own: boolean, matchToolchain: ReturnType<typeof toolchainMatcher>): Omit<FileGroup, "bytes" | "files"> {
  // A whole toolchain directory first, so gcc's cc1 and the rest of /usr/lib/gcc are one group.
  const part = TOOLCHAIN_DIRS.find(([d]) => under(entry.path, d));
  if (part) return { category: "toolchain", label: TOOLCHAINS[part[1]].label, path: part[0] };
  const toolchain = matchToolchain(entry)[0];
  if (toolchain) {
    // A program on the PATH groups with its toolchain's label; a directory match at that directory.
    const inBin = toolchain.path === entry.path;
    return { category: "toolchain", label: TOOLCHAINS[toolchain.toolchain].label, path: inBin ? dirOf(entry.path) : toolchain.path };
  }
  const cache = CACHE_DIRS.find((d) => under(entry.path, d));
  if (cache) return { category: "package-cache", label: cache, path: cache };
  const docs = DOC_DIRS.find((d) => under(entry.path, d));
  if (docs) return { category: "docs", label: docs, path: docs };
  const system = SYSTEM_ROOTS.some((d) => under(entry.path, d));
  if (!system && SOURCE_FILE.test(entry.path)) {
    const dir = dirOf(entry.path);
    return { category: "sources", label: dir, path: dir };
  }
  // What the Dockerfile's own steps wrote is the app (wherever it lands); the base image's is the OS.
  const path = system ? prefix(entry.path, 3) : prefix(entry.path, 2);
  return { category: own ? "app" : "system", label: path, path };
}

function under(path: string, dir: string): boolean {
  return path === dir || path.startsWith(`${dir}/`);
}

function dirOf(path: string): string {
  return path.slice(0, path.lastIndexOf("/")) || "/";
}

/** `/usr/lib/x86_64-linux-gnu/libc.so.6`, 3 → `/usr/lib/x86_64-linux-gnu`; a file shallower stays itself. */
function prefix(path: string, depth: number): string {
  return `/${path.split("/").filter(Boolean).slice(0, depth).join("/")}`;
}

/**
 * The groups that differ most between the learner's image and another one, biggest difference
 * first; groups only one image holds count in full.
 */
export function diffGroups(mine: ImageSummary, other: ImageSummary): GroupDiff[] {
  const rows = new Map<string, GroupDiff>();
  const key = (g: FileGroup) => `${g.category}\0${g.path}`;
  for (const g of mine.groups) rows.set(key(g), { category: g.category, label: g.label, path: g.path, mineBytes: g.bytes, otherBytes: 0 });
  for (const g of other.groups) {
    const row = rows.get(key(g));
    if (row) row.otherBytes = g.bytes;
    else rows.set(key(g), { category: g.category, label: g.label, path: g.path, mineBytes: 0, otherBytes: g.bytes });
  }
  return [...rows.values()]
    .filter((r) => Math.abs(r.mineBytes - r.otherBytes) >= DIFF_MIN_BYTES)
    .sort((a, b) => Math.abs(b.mineBytes - b.otherBytes) - Math.abs(a.mineBytes - a.otherBytes) || a.path.localeCompare(b.path))
    .slice(0, DIFF_ROWS);
}
