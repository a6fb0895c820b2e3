/**
 * A layered catalog image: the recipe folder becomes the build context of a trusted build.
 *
 * Why the legacy builder (`version=1`) here while learner builds use BuildKit: these builds are
 * ours, need the network for apt, and its plain `Step n/m` stream is progress we can show without
 * a BuildKit session or trace decoding. The images it makes are ordinary local images that
 * BuildKit resolves in `FROM` like any other.
 */
import { Readable } from "node:stream";
import type Docker from "dockerode";
import { pack } from "tar-stream";
import { readEngineStream } from "./json-stream";
import { readRecipeFiles, type Recipe, type RecipeFile } from "./recipes";
import type { StepReporter } from "./rootfs-image";

/** The files as an uncompressed tar (the daemon does not apply .dockerignore to it: no need). */
export async function tarOf(files: RecipeFile[]): Promise<Buffer> {
  const archive = pack();
  const chunks: Buffer[] = [];
  archive.on("data", (chunk: unknown) => chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    archive.on("end", resolve);
    archive.on("error", reject);
  });
  for (const file of files) {
    // Fixed owner and time: the same recipe gives byte-identical contexts, so the cache holds.
    archive.entry({ name: file.name, mode: file.mode, mtime: new Date(0), uid: 0, gid: 0 }, file.data);
  }
  archive.finalize();
  await ended;
  return Buffer.concat(chunks);
}

export async function buildDockerfileImage(opts: {
  docker: Docker;
  recipe: Recipe;
  /** Defaults to `Dockerfile`; the base uses `Dockerfile.pull` when retagging an upstream pull. */
  dockerfile?: string;
  /** Files added to the context but not to the recipe hash (the build CA bundle). @default [] */
  extraFiles?: RecipeFile[];
  labels: Record<string, string>;
  noCache: boolean;
  report: StepReporter;
  signal?: AbortSignal;
}): Promise<void> {
  const { report } = opts;
  const context = await tarOf([...(await readRecipeFiles(opts.recipe)), ...(opts.extraFiles ?? [])]);
  const stream = await opts.docker.buildImage(Readable.from([context]), {
    t: opts.recipe.ref,
    dockerfile: opts.dockerfile ?? "Dockerfile",
    ...(opts.recipe.target === undefined ? {} : { target: opts.recipe.target }),
    labels: opts.labels,
    version: "1",
    rm: true,
    forcerm: true,
    nocache: opts.noCache,
    // Only local images: a parent missing here is a bug in the order, not something to fetch.
    pull: false,
    abortSignal: opts.signal,
  });
  let partial = "";
  let lastImage: string | null = null;
  const stageImages: string[] = [];
  await readEngineStream(stream, (line) => {
    if (line.stream === undefined) return;
    // A `stream` chunk may hold several lines or half of one.
    const lines = (partial + line.stream).split("\n");
    partial = lines.pop() ?? "";
    for (const text of lines) {
      report.output(text);
      const image = /^ ---> ([0-9a-f]{12,64})$/.exec(text)?.[1];
      if (image !== undefined) lastImage = image;
      if (/^Step \d+\/\d+ : FROM /i.test(text) && lastImage !== null) stageImages.push(lastImage);
      if (/^Step \d+\/\d+ : /.test(text)) report.step(text.length > 160 ? `${text.slice(0, 157)}...` : text);
    }
  });
  if (partial !== "") report.output(partial);
  await removeStageImages(opts.docker, stageImages);
}

/**
 * The legacy builder keeps each earlier stage's last image as an untagged image (80 MB for the
 * busybox fetch stage) that would also pin a replaced base. Remove those that are untagged only:
 * a stage that is just `FROM <catalog image>` ends on that tagged image, which must stay.
 */
async function removeStageImages(docker: Docker, ids: string[]): Promise<void> {
  for (const id of ids) {
    const info = await docker
      .getImage(id)
      .inspect()
      .catch(() => null);
    const tagged = (info?.RepoTags ?? []).some((t) => t !== "<none>:<none>");
    if (info !== null && !tagged) await docker.getImage(info.Id).remove().catch(() => {});
  }
}
