import { mkdir, mkdtemp, rm, symlink, writeFile, chmod } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { Readable } from "node:stream";
import tar from "tar-stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BuildContextError, isSafeContextPath, makeBuildContext } from "./build-context";

type Header = { name: string; mode: number; mtime: number; uid: number; gid: number; type: string; body: string };

async function readTar(buf: Buffer): Promise<Header[]> {
  const extract = tar.extract();
  const out: Header[] = [];
  extract.on("entry", (h, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => chunks.push(c as Buffer));
    stream.on("end", () => {
      out.push({ name: h.name, mode: h.mode ?? 0, mtime: h.mtime?.getTime() ?? 0, uid: h.uid ?? -1, gid: h.gid ?? -1, type: h.type ?? "", body: Buffer.concat(chunks).toString() });
      next();
    });
  });
  const done = new Promise((resolve, reject) => {
    extract.on("finish", () => resolve(undefined));
    extract.on("error", reject);
  });
  Readable.from([buf]).pipe(extract);
  await done;
  return out;
}

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), "sc-ctx-"));
  await mkdir(path.join(dir, "context", "cmd"), { recursive: true });
  await writeFile(path.join(dir, "context", "go.mod"), "module example.com/app\n");
  await writeFile(path.join(dir, "context", "cmd", "main.go"), "package main\n");
  await writeFile(path.join(dir, "context", "run.sh"), "#!/bin/sh\n");
  await chmod(path.join(dir, "context", "run.sh"), 0o775);
  await writeFile(path.join(dir, "secret.txt"), "outside the context");
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const exercise = (contextFiles: string[]) => ({ dir, contextFiles });

describe("makeBuildContext", () => {
  it("packs exactly the listed files plus the learner's Dockerfile", async () => {
    const entries = await readTar(await makeBuildContext(exercise(["go.mod", "cmd/main.go"]), "FROM scratch\n"));
    expect(entries.map((e) => e.name)).toEqual(["cmd/", "cmd/main.go", "go.mod", "Dockerfile"]);
    expect(entries.find((e) => e.name === "Dockerfile")?.body).toBe("FROM scratch\n");
    expect(entries.find((e) => e.name === "cmd/main.go")?.body).toBe("package main\n");
  });

  it("writes deterministic headers, so the same input gives the same bytes on every run", async () => {
    const a = await makeBuildContext(exercise(["go.mod", "run.sh", "cmd/main.go"]), "FROM scratch\n");
    await writeFile(path.join(dir, "context", "go.mod"), "module example.com/app\n"); // new mtime on disk
    const b = await makeBuildContext(exercise(["cmd/main.go", "run.sh", "go.mod"]), "FROM scratch\n");
    expect(b.equals(a)).toBe(true);
    const entries = await readTar(a);
    expect(new Set(entries.map((e) => e.mtime))).toEqual(new Set([Date.UTC(2000, 0, 1)]));
    expect(entries.every((e) => e.uid === 0 && e.gid === 0)).toBe(true);
    expect(entries.find((e) => e.name === "run.sh")?.mode).toBe(0o755);
    expect(entries.find((e) => e.name === "go.mod")?.mode).toBe(0o644);
  });

  it("refuses symbolic links, even to files inside the context", async () => {
    await symlink("go.mod", path.join(dir, "context", "link"));
    await expect(makeBuildContext(exercise(["link"]), "FROM scratch")).rejects.toThrow(/symbolic links/);
  });

  it("refuses a file reached through a symlinked directory", async () => {
    await symlink(dir, path.join(dir, "context", "up"));
    await expect(makeBuildContext(exercise(["up/secret.txt"]), "FROM scratch")).rejects.toThrow(/outside/);
  });

  it("refuses `..`, absolute and odd names", async () => {
    for (const bad of ["../secret.txt", "cmd/../../secret.txt", "/etc/passwd", "./go.mod", "a//b", "a\\b"]) {
      await expect(makeBuildContext(exercise([bad]), "FROM scratch")).rejects.toBeInstanceOf(BuildContextError);
    }
    expect(isSafeContextPath("cmd/main.go")).toBe(true);
  });

  it("refuses a context file named Dockerfile (the learner's text is the only Dockerfile)", async () => {
    await writeFile(path.join(dir, "context", "Dockerfile"), "FROM evil");
    await expect(makeBuildContext(exercise(["Dockerfile"]), "FROM scratch")).rejects.toThrow(/Dockerfile comes from the learner/);
  });

  it("enforces the file-count and byte limits, counting the Dockerfile", async () => {
    const files = ["go.mod", "cmd/main.go"];
    await expect(makeBuildContext(exercise(files), "FROM scratch", { maxFiles: 2, maxBytes: 1e6 })).rejects.toThrow(/3 files; the limit is 2/);
    await expect(makeBuildContext(exercise(files), "FROM scratch", { maxFiles: 3, maxBytes: 1e6 })).resolves.toBeInstanceOf(Buffer);
    await expect(makeBuildContext(exercise(files), "x".repeat(40), { maxFiles: 10, maxBytes: 50 })).rejects.toThrow(/larger than 50 bytes/);
  });

  it("appends a grader's edit to a context file, and refuses an edit of a file that is not in the context", async () => {
    const edits = [{ path: "cmd/main.go", append: "// edited by the grader\n" }];
    const entries = await readTar(await makeBuildContext(exercise(["go.mod", "cmd/main.go"]), "FROM scratch\n", undefined, edits));
    expect(entries.find((e) => e.name === "cmd/main.go")?.body).toBe("package main\n// edited by the grader\n");
    expect(entries.find((e) => e.name === "go.mod")?.body).toBe("module example.com/app\n");
    const plain = await makeBuildContext(exercise(["go.mod", "cmd/main.go"]), "FROM scratch\n");
    expect((await makeBuildContext(exercise(["go.mod", "cmd/main.go"]), "FROM scratch\n", undefined, edits)).equals(plain)).toBe(false);
    await expect(
      makeBuildContext(exercise(["go.mod"]), "FROM scratch", undefined, [{ path: "cmd/main.go", append: "x" }]),
    ).rejects.toThrow(/context edit "cmd\/main.go": not one of the exercise's context files/);
  });

  it("counts an edit's bytes against the context limit", async () => {
    const limits = { maxFiles: 10, maxBytes: 60 };
    await expect(makeBuildContext(exercise(["go.mod"]), "FROM scratch\n", limits)).resolves.toBeInstanceOf(Buffer);
    await expect(
      makeBuildContext(exercise(["go.mod"]), "FROM scratch\n", limits, [{ path: "go.mod", append: "y".repeat(40) }]),
    ).rejects.toThrow(/larger than 60 bytes/);
  });
});
