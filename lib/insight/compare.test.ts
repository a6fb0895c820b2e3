import { describe, expect, it } from "vitest";
import { createGrouper, diffGroups, type ImageSummary } from "./compare";

const MiB = 1024 * 1024;

/** Files under /app and /src are the image's own; the rest came with its base. */
function summarize(entries: [string, number][]): ImageSummary {
  const grouper = createGrouper();
  for (const [path, size] of entries) grouper.add({ path, type: "file", size }, /^\/(app|src|usr\/local\/bin)\//.test(path));
  return grouper.summary(0, 1);
}

describe("createGrouper", () => {
  it("groups files the way a learner reads them", () => {
    const s = summarize([
      ["/usr/lib/go-1.19/bin/go", 10 * MiB],
      ["/usr/lib/go-1.19/src/fmt/print.go", 1 * MiB],
      ["/usr/bin/gcc", 2 * MiB],
      ["/usr/lib/gcc/x86_64-linux-gnu/12/cc1", 3 * MiB],
      ["/usr/lib/gcc/x86_64-linux-gnu/12/libgcc.a", 1 * MiB],
      ["/var/lib/apt/lists/deb.debian.org_Packages", 3 * MiB],
      ["/root/.cache/go-build/00/abc", 4 * MiB],
      ["/usr/share/doc/git/README", 1 * MiB],
      ["/src/main.go", 1000],
      ["/src/go.mod", 100],
      ["/usr/lib/x86_64-linux-gnu/libc.so.6", 2 * MiB],
      ["/app/server", 5 * MiB],
      ["/usr/local/bin/greeter", 1 * MiB],
      ["/etc/os-release", 100],
    ]);
    const byPath = Object.fromEntries(s.groups.map((g) => [g.path, [g.category, g.label, g.bytes]]));
    expect(byPath).toEqual({
      "/usr/lib/go-1.19": ["toolchain", "the Go toolchain", 11 * MiB],
      "/usr/bin": ["toolchain", "a C compiler", 2 * MiB],
      "/usr/lib/gcc": ["toolchain", "a C compiler", 4 * MiB],
      "/var/lib/apt/lists": ["package-cache", "/var/lib/apt/lists", 3 * MiB],
      "/root/.cache": ["package-cache", "/root/.cache", 4 * MiB],
      "/usr/share/doc": ["docs", "/usr/share/doc", 1 * MiB],
      "/src": ["sources", "/src", 1100],
      "/usr/lib/x86_64-linux-gnu": ["system", "/usr/lib/x86_64-linux-gnu", 2 * MiB],
      "/app/server": ["app", "/app/server", 5 * MiB],
      // The image's own file under a system directory is still the app; the base's is the OS.
      "/usr/local/bin": ["app", "/usr/local/bin", 1 * MiB],
      "/etc/os-release": ["system", "/etc/os-release", 100],
    });
    expect(s.categories).toEqual({ toolchain: 17 * MiB, "package-cache": 7 * MiB, sources: 1100, docs: 1 * MiB, system: 2 * MiB + 100, app: 6 * MiB });
  });
});

describe("diffGroups", () => {
  it("lists the biggest differences first, including groups only one image has, and drops noise", () => {
    const mine = summarize([["/app/server", 5 * MiB], ["/usr/lib/go-1.19/bin/go", 100 * MiB], ["/etc/x", 10]]);
    const other = summarize([["/app/server", 5 * MiB + 10], ["/usr/share/doc/a", 2 * MiB], ["/etc/x", 20_000]]);
    expect(diffGroups(mine, other).map((d) => [d.path, d.mineBytes, d.otherBytes])).toEqual([
      ["/usr/lib/go-1.19", 100 * MiB, 0],
      ["/usr/share/doc", 0, 2 * MiB],
    ]);
  });
});
