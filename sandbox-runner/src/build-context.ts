/**
 * The build context tar, made by the runner itself from the exercise's allowlisted files.
 *
 * The daemon does not apply `.dockerignore` to an uploaded tar (DESIGN.md §2) and a learner must
 * never choose what the daemon reads from the host, so the runner packs exactly
 * `Exercise.contextFiles` (relative to `<Exercise.dir>/context`) plus the learner's text as
 * `Dockerfile`. Every header is deterministic (fixed mtime, owner and modes) so an unchanged
 * context hashes the same on every run and BuildKit's cache keeps working across runs.
 */
import { lstat, readFile, realpath } from "node:fs/promises";
import path from "node:path";
import tar from "tar-stream";
import type { Exercise } from "@/lib/lessons/schema";
import { SANDBOX_LIMITS } from "./limits";

/** A context that breaks the rules; the message names the offending file. */
export class BuildContextError extends Error {
  override name = "BuildContextError";
}

export type ContextLimits = { maxFiles: number; maxBytes: number };

/**
 * A grader's edit for a variant build (rebuild-cache): `append` is added to the end of the context
 * file `path`. Only existing context files can be edited, so an edit never adds a file.
 */
export type ContextEdit = { path: string; append: string };

/** 2000-01-01: any fixed instant works; zero confuses some tar readers. */
const FIXED_MTIME = new Date(Date.UTC(2000, 0, 1));

/** A relative path with no `..`, no empty or `.` segments, no backslashes and no NUL. */
export function isSafeContextPath(rel: string): boolean {
  if (!rel || rel.startsWith("/") || rel.includes("\\") || rel.includes("\0")) return false;
  return rel.split("/").every((seg) => seg !== "" && seg !== "." && seg !== "..");
}

type Entry = { name: string; body: Buffer; mode: number };

export async function makeBuildContext(
  exercise: Pick<Exercise, "dir" | "contextFiles">,
  dockerfile: string,
  limits: ContextLimits = SANDBOX_LIMITS.context,
  edits: readonly ContextEdit[] = [],
): Promise<Buffer> {
  const root = path.join(exercise.dir, "context");
  const files = [...exercise.contextFiles].sort();
  for (const edit of edits) {
    if (!files.includes(edit.path)) throw new BuildContextError(`context edit "${edit.path}": not one of the exercise's context files`);
  }
  // +1: the Dockerfile counts too.
  if (files.length + 1 > limits.maxFiles) {
    throw new BuildContextError(`context has ${files.length + 1} files; the limit is ${limits.maxFiles}`);
  }
  const realRoot = files.length > 0 ? await realpath(root) : root;
  const entries: Entry[] = [];
  let total = Buffer.byteLength(dockerfile);
  for (const rel of files) {
    if (!isSafeContextPath(rel)) throw new BuildContextError(`context file "${rel}": unsafe path`);
    if (rel === "Dockerfile") throw new BuildContextError(`context file "${rel}": the Dockerfile comes from the learner`);
    const abs = path.join(root, rel);
    const st = await lstat(abs);
    if (st.isSymbolicLink()) throw new BuildContextError(`context file "${rel}": symbolic links are not allowed`);
    if (!st.isFile()) throw new BuildContextError(`context file "${rel}": not a regular file`);
    // A symlinked parent directory would pass the lstat above; the resolved path must stay inside.
    if ((await realpath(abs)) !== path.join(realRoot, rel)) {
      throw new BuildContextError(`context file "${rel}": resolves outside the exercise's context folder`);
    }
    const appended = edits.filter((e) => e.path === rel).map((e) => Buffer.from(e.append, "utf8"));
    // Counted before reading, so an oversized file is refused without loading it.
    total += st.size + appended.reduce((sum, b) => sum + b.length, 0);
    if (total > limits.maxBytes) throw new BuildContextError(`context is larger than ${limits.maxBytes} bytes`);
    const body = Buffer.concat([await readFile(abs), ...appended]);
    // Only the executable bit survives from disk: it is part of the content (scripts), the rest is noise.
    entries.push({ name: rel, body, mode: st.mode & 0o111 ? 0o755 : 0o644 });
  }
  entries.push({ name: "Dockerfile", body: Buffer.from(dockerfile, "utf8"), mode: 0o644 });
  return packEntries(entries);
}

async function packEntries(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((resolve, reject) => {
    pack.on("end", resolve);
    pack.on("error", reject);
  });
  const header = { mtime: FIXED_MTIME, uid: 0, gid: 0, uname: "", gname: "" };
  const dirs = new Set<string>();
  for (const e of entries) {
    // Explicit parent directories, so their modes are fixed too instead of daemon defaults.
    const parts = e.name.split("/").slice(0, -1);
    for (let i = 1; i <= parts.length; i++) {
      const dir = parts.slice(0, i).join("/");
      if (dirs.has(dir)) continue;
      dirs.add(dir);
      pack.entry({ ...header, name: `${dir}/`, type: "directory", mode: 0o755 });
    }
    pack.entry({ ...header, name: e.name, type: "file", mode: e.mode, size: e.body.length }, e.body);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}
