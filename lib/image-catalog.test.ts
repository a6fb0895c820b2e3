import { describe, expect, it } from "vitest";
import { IMAGE_CATALOG, findCatalogImage } from "./image-catalog";

describe("image catalog", () => {
  it("offers exactly the images the course is written against", () => {
    expect(IMAGE_CATALOG.map((image) => image.ref)).toEqual([
      "stagecraft/debian:bookworm-slim",
      "stagecraft/busybox:1.35",
      "stagecraft/golang:1.19",
      "stagecraft/gcc:12",
      "stagecraft/node:18",
      "stagecraft/node:18-slim",
      "stagecraft/python:3.11",
      "stagecraft/python:3.11-slim",
      "stagecraft/rust:1.63",
      "stagecraft/distroless-static:nonroot",
      "stagecraft/distroless-cc:nonroot",
    ]);
  });

  it("names every image under stagecraft/ and never under the upstream name it stands in for", () => {
    for (const image of IMAGE_CATALOG) {
      expect(image.ref).toMatch(/^stagecraft\/[a-z0-9-]+:[a-z0-9.-]+$/);
      expect(image.standsInFor).not.toMatch(/^stagecraft\//);
      // Docker Hub names (golang:1.19-bookworm) or full registry paths (gcr.io/distroless/…).
      expect(image.standsInFor).toMatch(/^[a-z0-9.-]+(\/[a-z0-9.-]+)*:[a-z0-9.-]+$/);
      // Same tool, same version, same variant: each part of the stand-in's tag is in the upstream
      // tag (18-slim → 18-bookworm-slim).
      const tag = image.ref.split(":")[1] ?? "";
      const upstreamTag = image.standsInFor.split(":")[1] ?? "";
      for (const part of tag.split("-")) expect(upstreamTag.split("-"), image.ref).toContain(part);
    }
  });

  it("describes each image in one plain sentence", () => {
    for (const image of IMAGE_CATALOG) {
      expect(image.contains).toMatch(/^[A-Z].*\.$/);
      expect(image.contains.slice(0, -1)).not.toMatch(/\.\s/);
    }
  });

  it("gives the toolchains and the runtimes the roles the lessons use them in", () => {
    const toolchains = ["golang:1.19", "gcc:12", "node:18", "python:3.11", "rust:1.63"];
    for (const ref of toolchains) expect(findCatalogImage(`stagecraft/${ref}`)?.role, ref).toBe("toolchain");
    // The slim language images are where a service runs (the build-tools rule must not flag them).
    const runtimes = ["busybox:1.35", "node:18-slim", "python:3.11-slim", "distroless-static:nonroot", "distroless-cc:nonroot"];
    for (const ref of runtimes) expect(findCatalogImage(`stagecraft/${ref}`)?.role, ref).toBe("runtime");
    expect(findCatalogImage("stagecraft/debian:bookworm-slim")?.role).toBe("base");
  });

  it("tells learners which images have no shell", () => {
    for (const ref of ["stagecraft/distroless-static:nonroot", "stagecraft/distroless-cc:nonroot"]) {
      expect(findCatalogImage(ref)?.contains, ref).toMatch(/no shell/i);
    }
    expect(findCatalogImage("stagecraft/distroless-static:nonroot")?.contains).toMatch(/no C library/);
  });

  it("says which images work offline and how", () => {
    for (const ref of ["stagecraft/node:18", "stagecraft/node:18-slim"]) expect(findCatalogImage(ref)?.contains).toMatch(/offline npm cache/);
    for (const ref of ["stagecraft/python:3.11", "stagecraft/python:3.11-slim"]) {
      expect(findCatalogImage(ref)?.contains).toMatch(/\/usr\/bin\/python3\.11.*offline wheelhouse/);
    }
    expect(findCatalogImage("stagecraft/rust:1.63")?.contains).toMatch(/serde_json.*offline/);
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
