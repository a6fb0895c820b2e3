/**
 * Paths that must not be in the final image. Read from a never-started container, so the engine's
 * init layer is visible too: `/etc/hosts`, `/etc/hostname`, `/etc/resolv.conf`, `/.dockerenv`,
 * `/dev`, `/proc`, `/sys` (and so `/etc`) exist even in a `FROM scratch` image. Specs should
 * name what a build leaves behind (`/usr/local/go`, `/src`), not those.
 */
import type { CheckFn } from "./types";
import { fail, pass, requireImage } from "./types";
import { withImageFiles } from "./image-files";

export const pathsAbsent: CheckFn<"paths-absent"> = async (ctx, spec) => {
  const present = await withImageFiles(ctx.docker, requireImage(ctx), async (files) => {
    const found: string[] = [];
    for (const path of spec.paths) if (await files.exists(path)) found.push(path);
    return found;
  });
  if (present.length > 0) return fail(`found in the final image: ${present.join(", ")}`);
  return pass(`not in the final image: ${spec.paths.join(", ")}`);
};
