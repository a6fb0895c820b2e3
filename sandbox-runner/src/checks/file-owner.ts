/**
 * A path in the final image belongs to the expected user and/or group. The owner is read from the
 * path's tar header (uid/gid); names go through the image's own /etc/passwd and /etc/group, since
 * the same name can have different ids in different bases (`node` is 1000, `nonroot` 65532).
 */
import type { CheckFn } from "./types";
import { fail, pass, requireImage } from "./types";
import { idOf, nameOf } from "./account-db";
import { withImageFiles } from "./image-files";

export const fileOwner: CheckFn<"file-owner"> = async (ctx, spec) => {
  const [header, passwd, group] = await withImageFiles(ctx.docker, requireImage(ctx), (files) =>
    Promise.all([files.header(spec.path), files.readText("/etc/passwd"), files.readText("/etc/group")]),
  );
  if (!header) return fail(`${spec.path} is not in the final image`);
  const owner = { uid: header.uid, gid: header.gid };
  const ownedBy = `${spec.path} is owned by ${owner.uid}:${owner.gid}${namesOf(owner, passwd, group)}`;

  const wants = [
    spec.user === undefined ? null : expectation("user", spec.user, passwd, "/etc/passwd", owner.uid),
    spec.group === undefined ? null : expectation("group", spec.group, group, "/etc/group", owner.gid),
  ].filter((w) => w !== null);
  const unmet = wants.filter((w) => !w.met);
  if (unmet.length > 0) return fail(`${ownedBy}; expected ${unmet.map((w) => w.text).join(" and ")}`);
  return pass(ownedBy);
};

/** Whether the owner's id matches `wanted` (a name in `db`, or a numeric id), said for a message. */
function expectation(kind: "user" | "group", wanted: string, db: string | null, file: string, actual: number): { met: boolean; text: string } {
  if (/^\d+$/.test(wanted)) return { met: Number(wanted) === actual, text: `${kind} ${wanted}` };
  const id = db === null ? undefined : idOf(db, wanted);
  if (id === undefined) return { met: false, text: `${kind} ${wanted}, which the image's ${file} does not define` };
  return { met: id === actual, text: `${kind} ${wanted} (${id})` };
}

/** ` (root:root)`, with ids standing in for names the image does not define; "" when it defines neither. */
export function namesOf(owner: { uid: number; gid: number }, passwd: string | null, group: string | null): string {
  const user = passwd === null ? undefined : nameOf(passwd, owner.uid);
  const grp = group === null ? undefined : nameOf(group, owner.gid);
  if (user === undefined && grp === undefined) return "";
  return ` (${user ?? owner.uid}:${grp ?? owner.gid})`;
}
