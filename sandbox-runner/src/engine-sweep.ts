/**
 * Start-up sweep for what a crashed or killed runner left behind on the engine: check containers
 * (labelled by `container-run.ts`), run images (`stagecraft-run/*`) and the build cache. Assumes
 * one runner per engine: every `stagecraft-run/*` image is taken to be a leftover.
 */
import type { Docker } from "./engine";
import { SANDBOX_LIMITS } from "./limits";

/** Removes every leftover; returns how many containers and images went. */
export async function removeRunLeftovers(docker: Docker): Promise<{ containers: number; images: number }> {
  // Imported lazily, like the pipeline's modules, so importing the runner does not load them.
  const [{ removeLeftoverContainers }, { cleanupImage, pruneBuildCache }] = await Promise.all([
    import("./container-run"),
    import("./cleanup"),
  ]);
  // Containers first: a container still refers to its image.
  const containers = await removeLeftoverContainers(docker);
  const images = await docker.listImages({ filters: { reference: ["stagecraft-run/*"] } });
  let removed = 0;
  for (const image of images) {
    for (const tag of image.RepoTags ?? []) {
      if (tag.startsWith("stagecraft-run/") && (await cleanupImage(docker, tag))) removed += 1;
    }
  }
  await pruneBuildCache(docker, { keepStorageBytes: SANDBOX_LIMITS.build.cacheKeepBytes, all: true });
  return { containers, images: removed };
}
