/**
 * The final image must not run as root. `Config.User` is `user[:group]`, by name or number; a name
 * is looked up in the image's /etc/passwd, because a name can map to uid 0 and a name that is not
 * there makes the container fail to start.
 */
import { idOf } from "./account-db";
import type { CheckFn } from "./types";
import { fail, pass, requireImage, requireReport } from "./types";
import { withImageFiles } from "./image-files";

export const nonRootUser: CheckFn<"non-root-user"> = async (ctx) => {
  const configured = requireReport(ctx).config.user;
  const verdict = classifyUser(configured);
  if (verdict.kind === "root") return fail(`the image runs as root (${verdict.why})`);
  if (verdict.kind === "uid") return pass(`the image runs as uid ${verdict.uid} (USER ${configured})`);
  const passwd = await withImageFiles(ctx.docker, requireImage(ctx), (files) => files.readText("/etc/passwd"));
  if (passwd === null) {
    return fail(`USER ${configured} names a user, but the image has no /etc/passwd to define it, so the container cannot start`);
  }
  const uid = uidOf(passwd, verdict.name);
  if (uid === undefined) return fail(`USER ${configured}: there is no user "${verdict.name}" in the image's /etc/passwd, so the container cannot start`);
  if (uid === 0) return fail(`the image runs as root: user "${verdict.name}" has uid 0 in /etc/passwd`);
  return pass(`the image runs as user "${verdict.name}" (uid ${uid})`);
};

export type UserVerdict = { kind: "root"; why: string } | { kind: "uid"; uid: number } | { kind: "name"; name: string };

/** What `Config.User` alone says: root, a numeric uid, or a name to look up. */
export function classifyUser(configured: string): UserVerdict {
  const user = configured.trim().split(":", 1)[0] ?? "";
  if (user === "") return { kind: "root", why: configured.trim() === "" ? "no USER is set" : `USER ${configured}` };
  if (user === "root") return { kind: "root", why: `USER ${configured}` };
  if (/^\d+$/.test(user)) {
    const uid = Number(user);
    return uid === 0 ? { kind: "root", why: `USER ${configured} is uid 0` } : { kind: "uid", uid };
  }
  return { kind: "name", name: user };
}

/** The uid of `name` in passwd text (`name:x:uid:gid:…`), if present. */
export const uidOf = (passwd: string, name: string): number | undefined => idOf(passwd, name);
