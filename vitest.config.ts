import { defineConfig } from "vitest/config";
import path from "node:path";

// Three suites: fast unit tests (parallel), engine tests against the real Docker engine (one file
// at a time: they share one engine and its build cgroup), and browser tests in real Chromium.
export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    projects: [
      {
        extends: true,
        test: {
          name: "unit",
          include: ["{lib,sandbox-runner,db,scripts,components,app}/**/*.test.{ts,tsx}"],
          exclude: ["**/*.engine.test.ts", "**/node_modules/**"],
        },
      },
      {
        extends: true,
        test: {
          name: "engine",
          include: ["{sandbox-runner,scripts}/**/*.engine.test.ts"],
          fileParallelism: false,
          testTimeout: 240_000,
          hookTimeout: 240_000,
        },
      },
      {
        extends: true,
        test: {
          name: "e2e",
          include: ["tests/e2e/**/*.e2e.test.ts"],
          fileParallelism: false,
          testTimeout: 300_000,
          hookTimeout: 300_000,
        },
      },
    ],
  },
});
