/**
 * Reading an image's filesystem without running it. Images with no shell (scratch, distroless,
 * a lone static binary) cannot `test -e`, so we create a container that is never started and use
 * the engine's archive and export endpoints on it, then remove it.
 */
import type Docker from "dockerode";
import { extract, type Header } from "tar-stream";
import type { FsEntry } from "../../../lib/toolchains";
import { createSandboxContainer, removeContainer, statusOf } from "../container-run";

/** Files read this way are small config files (/etc/passwd); more than this is not one. */
const MAX_READ_BYTES = 1024 * 1024;

export async function withImageFiles<T>(docker: Docker, image: string, use: (files: ImageFiles) => Promise<T>): Promise<T> {
  // Create needs some command even for an image without CMD; it is never started.
  const container = await createSandboxContainer(docker, image, { cmd: ["/stagecraft-never-started"], purpose: "inspect" });
  try {
    return await use(imageFiles(container));
  } finally {
    await removeContainer(container);
  }
}

export type ImageFiles = ReturnType<typeof imageFiles>;

function imageFiles(container: Docker.Container) {
  return {
    /** `HEAD /containers/{id}/archive`: 200 with a stat header when the path exists, 404 when not. */
    async exists(path: string): Promise<boolean> {
      try {
        const res = (await container.infoArchive({ path })) as NodeJS.ReadableStream & { destroy?: () => void };
        res.destroy?.();
        return true;
      } catch (err) {
        if (await isPathNotFound(container, err)) return false;
        throw err;
      }
    },
    /** A regular file's text, or null when the path is absent or not a regular file. */
    async readText(path: string): Promise<string | null> {
      const archive = await archiveOf(container, path);
      return archive && firstFileOf(archive);
    },
    /**
     * The tar header of one path (owner, mode, type), or null when the path is absent. The archive
     * endpoint streams a directory's whole content; only its first header is read.
     */
    async header(path: string): Promise<Header | null> {
      const archive = await archiveOf(container, path);
      return archive && firstHeaderOf(archive);
    },
    /**
     * Calls `visit` for every entry of the filesystem, in archive order; `visit` returns `false` to
     * stop. Returns how many entries were visited. Reads `GET /containers/{id}/export` and looks only
     * at tar headers, but every byte still crosses the socket (the API has no listing): about 1 s
     * per 150 MB on our sandbox, so a visitor should stop as soon as it knows enough.
     */
    async walk(visit: (entry: FsEntry) => boolean | void): Promise<number> {
      const archive = (await container.export()) as NodeJS.ReadableStream;
      let seen = 0;
      await eachEntry(archive, (header) => {
        seen += 1;
        return visit(toFsEntry(header));
      });
      return seen;
    },
  };
}

async function archiveOf(container: Docker.Container, path: string): Promise<NodeJS.ReadableStream | null> {
  try {
    return (await container.getArchive({ path })) as NodeJS.ReadableStream;
  } catch (err) {
    if (await isPathNotFound(container, err)) return null;
    throw err;
  }
}

/** Feeds each tar header to `visit` (skipping bodies) until it returns false; always closes both streams. */
async function eachEntry(archive: NodeJS.ReadableStream, visit: (header: Header) => boolean | void): Promise<void> {
  const tar = extract();
  archive.pipe(tar);
  try {
    for await (const entry of tar) {
      const keepGoing = visit(entry.header);
      entry.resume();
      if (keepGoing === false) break;
    }
  } finally {
    archive.unpipe(tar);
    (archive as { destroy?: () => void }).destroy?.();
    tar.destroy();
  }
}

async function firstHeaderOf(archive: NodeJS.ReadableStream): Promise<Header | null> {
  let first: Header | null = null;
  await eachEntry(archive, (header) => {
    first = header;
    return false;
  });
  return first;
}

/** `usr/bin/` → `/usr/bin`; hard links' targets are archive paths too, so they get the same form. */
export function toFsEntry(header: Header): FsEntry {
  const path = `/${header.name.replace(/^\.?\/+/, "").replace(/\/+$/, "")}`;
  const type = header.type === "file" || header.type === "directory" || header.type === "symlink" || header.type === "link" ? header.type : "other";
  const linkTarget = header.linkname ?? undefined;
  return { path, type, ...(linkTarget && { linkTarget }) };
}

/**
 * The archive endpoints answer 404 both for a missing path and a missing container (and HEAD has
 * no body to tell them apart). Only the first means "absent": a container removed under us, by a
 * cleanup, must not pass a paths-absent check, so its existence is confirmed (inspect throws).
 */
async function isPathNotFound(container: Docker.Container, err: unknown): Promise<boolean> {
  if (statusOf(err) !== 404) return false;
  await container.inspect();
  return true;
}

async function firstFileOf(archive: NodeJS.ReadableStream): Promise<string | null> {
  const tar = extract();
  archive.pipe(tar);
  for await (const entry of tar) {
    if (entry.header.type !== "file" || entry.header.size > MAX_READ_BYTES) {
      entry.resume();
      tar.destroy();
      return null;
    }
    const chunks: Buffer[] = [];
    for await (const chunk of entry) chunks.push(chunk as Buffer);
    tar.destroy();
    return Buffer.concat(chunks).toString("utf8");
  }
  return null;
}
