/**
 * Monaco, bundled by the app and handed to @monaco-editor/react so it never fetches a CDN copy.
 * Imported only through a dynamic import from the lesson page's editor, so the editor stays out
 * of every other page.
 *
 * Bundling (Turbopack, `next build`): monaco's ESM imports its own stylesheets (codicon font
 * included), which Turbopack bundles into the lazy chunk's CSS. Workers: monaco asks
 * `MonacoEnvironment.getWorker`; the `new Worker(new URL(…, import.meta.url))` below is what
 * Turbopack turns into a separate worker entry. Only the core editor worker is needed: the
 * `dockerfile` language is a tokenizer, with no language worker.
 */
import * as monaco from "monaco-editor";
import { loader } from "@monaco-editor/react";

declare global {
  interface Window {
    MonacoEnvironment?: monaco.Environment;
  }
}

window.MonacoEnvironment = {
  getWorker: () => new Worker(new URL("./editor.worker.ts", import.meta.url), { type: "module" }),
};

loader.config({ monaco });

export { monaco };
