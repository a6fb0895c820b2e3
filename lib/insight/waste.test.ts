import { describe, expect, it } from "vitest";
import { normalizeTarPath, replayLayers, WASTE_TOP, type LayerEntry } from "./waste";

const file = (path: string, size: number): LayerEntry => ({ path, type: "file", size });
const dir = (path: string): LayerEntry => ({ path, type: "directory", size: 0 });

describe("replayLayers", () => {
  it("counts a directory removed by a later layer as one offender with the bytes of every file in it", () => {
    const { live, waste } = replayLayers([
      { historyIndex: 1, entries: [dir("/var/lib/apt/lists"), file("/var/lib/apt/lists/a", 300), file("/var/lib/apt/lists/b", 700), file("/usr/bin/curl", 50)] },
      { historyIndex: 3, entries: [file("/var/lib/apt/.wh.lists", 0)] },
    ]);
    expect(waste.offenders).toEqual([{ path: "/var/lib/apt/lists", sizeBytes: 1000, files: 2, how: "removed", writtenBy: 1, removedBy: 3 }]);
    expect(waste.reclaimableBytes).toBe(1000);
    expect(waste.writtenBytes).toBe(1050);
    expect([...live.keys()]).toEqual(["/usr/bin/curl"]);
  });

  it("counts the lower version of an overwritten file, and an opaque directory hides only lower layers' files", () => {
    const { live, waste } = replayLayers([
      { historyIndex: 0, entries: [file("/app/big.bin", 5000), file("/cache/x", 40), file("/cache/y", 60)] },
      { historyIndex: 2, entries: [file("/app/big.bin", 10), file("/cache/.wh..wh..opq", 0), file("/cache/z", 7)] },
    ]);
    expect(waste.offenders).toEqual([
      { path: "/app/big.bin", sizeBytes: 5000, files: 1, how: "overwritten", writtenBy: 0, removedBy: 2 },
      { path: "/cache", sizeBytes: 100, files: 2, how: "removed", writtenBy: 0, removedBy: 2 },
    ]);
    expect(live.get("/app/big.bin")).toEqual({ size: 10, historyIndex: 2, type: "file" });
    expect(live.has("/cache/z")).toBe(true);
    expect(live.has("/cache/x")).toBe(false);
  });

  it("does not count a whiteout of something no lower layer wrote, or empty files", () => {
    const { waste } = replayLayers([
      { historyIndex: 0, entries: [file("/empty", 0)] },
      { historyIndex: 1, entries: [file("/.wh.empty", 0), file("/.wh.never-there", 0)] },
    ]);
    expect(waste.reclaimableBytes).toBe(0);
    expect(waste.offenderCount).toBe(0);
  });

  it("keeps the biggest offenders and counts the rest", () => {
    const many = Array.from({ length: WASTE_TOP + 5 }, (_, i) => file(`/f${i}`, 100 + i));
    const { waste } = replayLayers([
      { historyIndex: 0, entries: many },
      { historyIndex: 1, entries: many.map((f) => file(f.path.replace("/", "/.wh."), 0)) },
    ]);
    expect(waste.offenderCount).toBe(WASTE_TOP + 5);
    expect(waste.offenders).toHaveLength(WASTE_TOP);
    expect(waste.offenders[0]?.path).toBe(`/f${WASTE_TOP + 4}`);
  });
});

describe("normalizeTarPath", () => {
  it("makes tar names absolute without a trailing slash", () => {
    expect(normalizeTarPath("./usr/bin/")).toBe("/usr/bin");
    expect(normalizeTarPath("etc/passwd")).toBe("/etc/passwd");
    expect(normalizeTarPath("./")).toBe("/");
  });
});
