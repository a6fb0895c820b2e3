import { describe, expect, it } from "vitest";
import { IMAGE_CATALOG, findCatalogImage } from "./image-catalog";

describe("image catalog", () => {
  it("offers exactly the four images the course is written against", () => {
    expect(IMAGE_CATALOG.map((image) => image.ref)).toEqual([
      "stagecraft/debian:bookworm-slim",
      "stagecraft/busybox:1.35",
      "stagecraft/golang:1.19",
      "stagecraft/gcc:12",
    ]);
  });

  it("names every image under stagecraft/ and never under the upstream name it stands in for", () => {
    for (const image of IMAGE_CATALOG) {
      expect(image.ref).toMatch(/^stagecraft\/[a-z0-9-]+:[a-z0-9.-]+$/);
      expect(image.standsInFor).not.toMatch(/^stagecraft\//);
      expect(image.standsInFor).toMatch(/^[a-z0-9-]+:[a-z0-9.-]+$/);
      // Same tool, same version: the tag of the stand-in appears in the upstream tag.
      const tag = image.ref.split(":")[1] ?? "";
      expect(image.standsInFor.split(":")[1]).toContain(tag);
    }
  });

  it("describes each image in one plain sentence", () => {
    for (const image of IMAGE_CATALOG) {
      expect(image.contains).toMatch(/^[A-Z].*\.$/);
      expect(image.contains.slice(0, -1)).not.toMatch(/\.\s/);
    }
  });

  it("gives the toolchains and the tiny runtime the roles the lessons use them in", () => {
    expect(findCatalogImage("stagecraft/golang:1.19")?.role).toBe("toolchain");
    expect(findCatalogImage("stagecraft/gcc:12")?.role).toBe("toolchain");
    expect(findCatalogImage("stagecraft/busybox:1.35")?.role).toBe("runtime");
    expect(findCatalogImage("stagecraft/debian:bookworm-slim")?.role).toBe("base");
  });

  it("finds only exact references", () => {
    expect(findCatalogImage("stagecraft/golang:1.19")?.standsInFor).toBe("golang:1.19-bookworm");
    expect(findCatalogImage("stagecraft/golang")).toBeUndefined();
    expect(findCatalogImage("stagecraft/golang:latest")).toBeUndefined();
    expect(findCatalogImage("golang:1.19-bookworm")).toBeUndefined();
    expect(findCatalogImage("docker.io/stagecraft/golang:1.19")).toBeUndefined();
    expect(findCatalogImage("STAGECRAFT/GOLANG:1.19")).toBeUndefined();
  });
});
