/**
 * Watches a course folder for edits, for the dev server's live reload. Editors save in bursts
 * (write a temp file, rename, touch), so changes are debounced into one notification listing the
 * files that changed. Uses `fs.watch` with `recursive`, which Node supports on Linux since 19.1.
 */
import { watch, type FSWatcher } from "node:fs";
import path from "node:path";

export type CourseChange = { files: string[] };

/**
 * Calls `onChange` after edits settle for `debounceMs`. Returns a function that stops watching.
 * Hidden files (editor swap files, `.DS_Store`) are ignored, as the loader ignores them.
 * @param debounceMs @default 150
 */
export function watchCourse(dir: string, onChange: (change: CourseChange) => void, debounceMs = 150): () => void {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  let watcher: FSWatcher | undefined = watch(dir, { recursive: true }, (_event, name) => {
    const file = name?.toString();
    if (!file || isHidden(file)) return;
    pending.add(file.split(path.sep).join("/"));
    clearTimeout(timer);
    timer = setTimeout(() => {
      const files = [...pending].sort();
      pending.clear();
      onChange({ files });
    }, debounceMs);
  });
  // A deleted course folder ends the watch; the next request reports the content error.
  watcher.on("error", () => stop());
  function stop() {
    clearTimeout(timer);
    watcher?.close();
    watcher = undefined;
  }
  return stop;
}

function isHidden(file: string): boolean {
  return file.split(/[\\/]/).some((segment) => segment.startsWith(".") || segment.endsWith("~"));
}
