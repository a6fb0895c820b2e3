/**
 * Reading an image's filesystem without running it. Images with no shell (scratch, distroless,
 * a lone static binary) cannot `test -e`, so we create a container that is never started and use
 * the engine's archive endpoints on it, then remove it.
 */
import type Docker from "dockerode";
import { extract } from "tar-stream";
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
      let archive: NodeJS.ReadableStream;
      try {
        archive = (await container.getArchive({ path })) as NodeJS.ReadableStream;
      } catch (err) {
        if (await isPathNotFound(container, err)) return null;
        throw err;
      }
      return firstFileOf(archive);
    },
  };
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
