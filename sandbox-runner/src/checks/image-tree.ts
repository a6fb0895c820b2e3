/**
 * Reading an image's whole filesystem, or one entry's tar header, without running it: like
 * image-files.ts, from a container that is created, never started, and always removed.
 *
 * The walk reads `GET /containers/{id}/export` once and looks only at tar headers. Every byte still
 * crosses the socket (the API has no listing), which costs about 1 s per 150 MB on our sandbox
 * (the 726 MB Go toolchain image: 4.7 s), so a visitor can stop it early.
 */
import type Docker from "dockerode";
import { extract, type Header } from "tar-stream";
import type { FsEntry } from "../../../lib/toolchains";
import { createSandboxContainer, removeContainer, statusOf } from "../container-run";

export async function withImageContainer<T>(docker: Docker, image: string, use: (container: Docker.Container) => Promise<T>): Promise<T> {
  // Create needs some command even for an image without CMD; it is never started.
  const container = await createSandboxContainer(docker, image, { cmd: ["/stagecraft-never-started"], purpose: "inspect" });
  try {
    return await use(container);
  } finally {
    await removeContainer(container);
  }
}

/**
 * Calls `visit` for every entry of the container's filesystem, in archive order; `visit` returns
 * `false` to stop. Returns how many entries were visited.
 */
export async function walkFilesystem(container: Docker.Container, visit: (entry: FsEntry) => boolean | void): Promise<number> {
  const archive = (await container.export()) as NodeJS.ReadableStream & { destroy(): void };
  const tar = extract();
  archive.pipe(tar);
  let seen = 0;
  try {
    for await (const entry of tar) {
      seen += 1;
      const keepGoing = visit(toFsEntry(entry.header));
      entry.resume();
      if (keepGoing === false) break;
    }
  } finally {
    archive.unpipe(tar);
    archive.destroy();
    tar.destroy();
  }
  return seen;
}

/**
 * The tar header of one path (owner, mode, type), or null when the path is absent. The archive
 * endpoint streams a directory's whole content; only its first header is read.
 */
export async function headerOf(container: Docker.Container, path: string): Promise<Header | null> {
  let archive: NodeJS.ReadableStream & { destroy(): void };
  try {
    archive = (await container.getArchive({ path })) as NodeJS.ReadableStream & { destroy(): void };
  } catch (err) {
    // 404 is also what a container removed under us answers: only a live container's 404 is "absent".
    if (statusOf(err) !== 404) throw err;
    await container.inspect();
    return null;
  }
  const tar = extract();
  archive.pipe(tar);
  try {
    for await (const entry of tar) {
      entry.resume();
      return entry.header;
    }
    return null;
  } finally {
    archive.unpipe(tar);
    archive.destroy();
    tar.destroy();
  }
}

/** `usr/bin/` → `/usr/bin`; hard links' targets are archive paths too, so they get the same form. */
export function toFsEntry(header: Header): FsEntry {
  const path = `/${header.name.replace(/^\.?\/+/, "").replace(/\/+$/, "")}`;
  const type = header.type === "file" || header.type === "directory" || header.type === "symlink" || header.type === "link" ? header.type : "other";
  const linkTarget = header.linkname ?? undefined;
  return { path, type, ...(linkTarget && { linkTarget }) };
}
