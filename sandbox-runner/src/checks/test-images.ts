/**
 * Test support for the grading engine tests (not used by the runner): builds small images on the
 * real engine with BuildKit and removes them again. Bases are the catalog's own busybox and
 * Debian images; when `npm run images:prepare` has not run, busybox falls back to an image made
 * here from the host's busybox-static binary, and Debian-only tests skip.
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import { Readable } from "node:stream";
import Docker from "dockerode";
import { pack, type Pack } from "tar-stream";
import type { BuildStep } from "../../../lib/protocol";
import { createStepTracker } from "../step-tracker";
import { createLineSplitter, decodeBuildLine } from "../trace-decoder";

export const BUSYBOX = "stagecraft/busybox:1.35";
export const DEBIAN = "stagecraft/debian:bookworm-slim";
const FALLBACK_BUSYBOX = "stagecraft-test/busybox:local";

export function testDocker(): Docker {
  return new Docker({ socketPath: "/var/run/docker.sock" });
}

export async function imageExists(docker: Docker, ref: string): Promise<boolean> {
  try {
    await docker.getImage(ref).inspect();
    return true;
  } catch {
    return false;
  }
}

/** Tracks what a test file created so `cleanup` removes exactly that. */
export function testImages(docker: Docker) {
  const created: string[] = [];

  return {
    /** A busybox base: the catalog's, or one imported from /bin/busybox for this test file. */
    async busybox(): Promise<string> {
      if (await imageExists(docker, BUSYBOX)) return BUSYBOX;
      if (!(await imageExists(docker, FALLBACK_BUSYBOX))) {
        await importBusybox(docker, FALLBACK_BUSYBOX);
        created.push(FALLBACK_BUSYBOX);
      }
      return FALLBACK_BUSYBOX;
    },

    /** Builds `dockerfile` with BuildKit; returns the tag and the steps as the runner sees them. */
    async build(dockerfile: string, files: Record<string, string> = {}): Promise<{ tag: string; steps: BuildStep[] }> {
      const tag = `stagecraft-test/grading-${randomBytes(6).toString("hex")}:latest`;
      const result = await buildImage(docker, tag, dockerfile, files);
      if (result.imageId) created.push(tag);
      if (result.error) throw new Error(`test image did not build: ${result.error}`);
      return { tag, steps: result.steps };
    },

    /** A build expected to fail: its steps and error, no image. */
    async buildFailing(dockerfile: string): Promise<{ steps: BuildStep[]; error: string }> {
      const tag = `stagecraft-test/grading-${randomBytes(6).toString("hex")}:latest`;
      const result = await buildImage(docker, tag, dockerfile, {});
      if (result.imageId) created.push(tag);
      if (!result.error) throw new Error("expected the build to fail");
      return { steps: result.steps, error: result.error };
    },

    async cleanup(): Promise<void> {
      for (const ref of created.splice(0).reverse()) {
        await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
      }
    },
  };
}

async function buildImage(docker: Docker, tag: string, dockerfile: string, files: Record<string, string>) {
  const context = await tarOf({ Dockerfile: dockerfile, ...files });
  // No authconfig: the session dockerode opens for version 2 must never offer credentials.
  const stream = (await docker.buildImage(context as unknown as NodeJS.ReadableStream, {
    t: tag,
    version: "2",
    networkmode: "none",
  })) as NodeJS.ReadableStream;
  const tracker = createStepTracker();
  let error: string | undefined;
  let imageId: string | undefined;
  const lines = createLineSplitter((line) => {
    const event = decodeBuildLine(line);
    if (event.kind === "trace") tracker.apply(event.update);
    if (event.kind === "error") error = event.message;
    if (event.kind === "image-id") imageId = event.imageId;
  });
  for await (const chunk of stream) lines.push(chunk as Buffer);
  lines.end();
  return { steps: tracker.steps(), error, imageId };
}

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const tar = pack();
  for (const [name, text] of Object.entries(files)) tar.entry({ name }, text);
  return finished(tar);
}

async function finished(tar: Pack): Promise<Buffer> {
  tar.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of tar) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** `docker import` of a root with /bin/busybox, its applet links, /tmp and a minimal passwd. */
async function importBusybox(docker: Docker, ref: string): Promise<void> {
  const tar = pack();
  tar.entry({ name: "bin/busybox", mode: 0o755 }, readFileSync("/bin/busybox"));
  for (const applet of ["sh", "cat", "echo", "head", "tail", "tr", "ls", "touch", "seq", "sleep", "grep", "wc"]) {
    tar.entry({ name: `bin/${applet}`, type: "symlink", linkname: "busybox" });
  }
  tar.entry({ name: "tmp", type: "directory", mode: 0o1777 });
  tar.entry({ name: "etc/passwd" }, "root:x:0:0:root:/root:/bin/sh\napp:x:65532:65532:app:/home/app:/bin/sh\n");
  const [repo, tagName] = ref.split(":");
  const body = Readable.from([await finished(tar)]);
  const stream = await docker.importImage(body, { repo, tag: tagName, changes: ['CMD ["sh"]'] });
  for await (const _ of stream) void _; // the import is done when its progress stream ends
}
