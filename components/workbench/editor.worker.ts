// Monaco's core worker (diffing, links, word ranges). The Dockerfile language needs no language
// worker; this file exists so bundlers see a plain relative `new Worker(new URL(…))` target.
import "monaco-editor/editor/editor.worker.js";
