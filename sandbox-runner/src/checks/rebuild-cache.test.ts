import { describe, expect, it } from "vitest";
import type { DockerfileModel } from "../../../lib/dockerfile/index";
import type { BuildStep } from "../../../lib/protocol";
import { judgeRebuild, withNonce } from "./rebuild-cache";

type Row = [name: string, status: BuildStep["status"], durationMs?: number];
const build = (rows: Row[], buildMs: number) => ({
  buildMs,
  steps: rows.map(([name, status, durationMs], i): BuildStep => ({ id: `d${i}`, number: i + 1, name, status, ...(durationMs !== undefined && { durationMs }) })),
});

const twoStages: DockerfileModel = {
  stages: [
    { index: 0, name: "deps", base: "stagecraft/node:18", fromLine: 1, copyFrom: [] },
    { index: 1, name: null, base: "stagecraft/node:18-slim", fromLine: 6, copyFrom: [{ source: "deps", line: 7 }] },
  ],
};
const spec = { edit: "src/index.js", cachedSteps: ["npm ci"], rebuiltSteps: ["COPY src"] };

const first = build(
  [
    ["[internal] load remote build context", "finished", 0],
    ["[deps 1/4] FROM docker.io/stagecraft/node:18", "finished", 5],
    ["[deps 2/4] COPY package.json package-lock.json ./", "finished", 20],
    ["[deps 3/4] RUN npm ci", "finished", 8000],
    ["[deps 4/4] COPY src ./src", "finished", 15],
    ["[stage-1 2/2] COPY --from=deps /app /app", "finished", 300],
    ["exporting to image", "finished", 200],
  ],
  9000,
);

describe("judgeRebuild", () => {
  it("passes when the dependency step came from the cache and the sources were copied again", () => {
    const rebuild = build(
      [
        ["[deps 1/4] FROM docker.io/stagecraft/node:18", "finished", 0],
        ["[deps 2/4] COPY package.json package-lock.json ./", "cached"],
        ["[deps 3/4] RUN npm ci", "cached"],
        ["[deps 4/4] COPY src ./src", "finished", 12],
        ["[stage-1 2/2] COPY --from=deps /app /app", "finished", 250],
      ],
      700,
    );
    const outcome = judgeRebuild(spec, first, rebuild, twoStages);
    expect(outcome).toMatchObject({
      status: "pass",
      message: "after only src/index.js changed, `npm ci` came from the cache and `COPY src` ran again (the rebuild took 700 ms)",
    });
    expect(outcome.detail).toEqual({
      type: "timelines",
      runs: [
        {
          label: "Your build",
          totalMs: 9000,
          steps: [
            { name: "[deps 1/4] FROM docker.io/stagecraft/node:18", cached: false, durationMs: 5 },
            { name: "[deps 2/4] COPY package.json package-lock.json ./", cached: false, durationMs: 20 },
            { name: "[deps 3/4] RUN npm ci", cached: false, durationMs: 8000 },
            { name: "[deps 4/4] COPY src ./src", cached: false, durationMs: 15 },
            { name: "[stage-1 2/2] COPY --from=deps /app /app", cached: false, durationMs: 300 },
          ],
        },
        {
          label: "Rebuild after editing src/index.js",
          totalMs: 700,
          steps: [
            { name: "[deps 1/4] FROM docker.io/stagecraft/node:18", cached: false, durationMs: 0 },
            { name: "[deps 2/4] COPY package.json package-lock.json ./", cached: true, durationMs: 0 },
            { name: "[deps 3/4] RUN npm ci", cached: true, durationMs: 0 },
            { name: "[deps 4/4] COPY src ./src", cached: false, durationMs: 12 },
            { name: "[stage-1 2/2] COPY --from=deps /app /app", cached: false, durationMs: 250 },
          ],
        },
      ],
    });
  });

  it("names the step that ran again and the earlier COPY of the edited file that caused it", () => {
    const rebuild = build(
      [
        ["[deps 1/4] FROM docker.io/stagecraft/node:18", "finished", 0],
        ["[deps 2/4] WORKDIR /app", "cached"],
        ["[deps 3/4] COPY . .", "finished", 30],
        ["[deps 4/4] RUN npm ci", "finished", 7600],
        ["[stage-1 2/2] COPY --from=deps /app /app", "finished", 250],
      ],
      8100,
    );
    const outcome = judgeRebuild({ ...spec, rebuiltSteps: [] }, first, rebuild, twoStages);
    expect(outcome.status).toBe("fail");
    expect(outcome.message).toBe(
      "after only src/index.js changed, `RUN npm ci` ran again (7.6 s) instead of coming from the cache: an earlier step, " +
        "`COPY . .`, copies src/index.js, so its layer changed and BuildKit ran every later step of that stage again. " +
        "Copy only what that step needs before it, and the rest after it.",
    );
    expect(outcome.detail?.type).toBe("timelines");
  });

  it("blames the COPY of the edited file, not an earlier step that re-ran because the cache trimmed it", () => {
    const rebuild = build(
      [
        ["[deps 1/4] FROM docker.io/stagecraft/node:18", "finished", 0],
        ["[deps 2/4] WORKDIR /app", "finished", 12],
        ["[deps 3/4] COPY . .", "finished", 30],
        ["[deps 4/4] RUN npm ci", "finished", 7600],
      ],
      8100,
    );
    const outcome = judgeRebuild({ ...spec, rebuiltSteps: [] }, first, rebuild, twoStages);
    expect(outcome.message).toContain("an earlier step, `COPY . .`, copies src/index.js");
  });

  it("fails, saying so, when no step runs the dependency install at all", () => {
    const rebuild = build(
      [
        ["[1/3] FROM docker.io/stagecraft/node:18", "finished", 0],
        ["[2/3] COPY . .", "finished", 30],
        ["[3/3] RUN node build.js", "finished", 300],
      ],
      400,
    );
    const outcome = judgeRebuild(spec, first, rebuild, { stages: [twoStages.stages[0]!] });
    expect(outcome).toMatchObject({ status: "fail" });
    expect(outcome.message).toMatch(/^no step of your build runs `npm ci` or `COPY src`, so the rebuild after editing src\/index\.js/);
  });

  it("blames a rebuilt parent stage when a stage starts FROM it", () => {
    const model: DockerfileModel = {
      stages: [
        { index: 0, name: "build", base: "stagecraft/golang:1.19", fromLine: 1, copyFrom: [] },
        { index: 1, name: "test", base: "build", fromLine: 5, copyFrom: [] },
      ],
    };
    const rebuild = build(
      [
        ["[build 1/3] FROM docker.io/stagecraft/golang:1.19", "finished", 0],
        ["[build 2/3] COPY . .", "finished", 10],
        ["[build 3/3] RUN go build -o /app .", "finished", 900],
        ["[test 1/2] RUN go mod download", "finished", 400],
      ],
      1400,
    );
    const outcome = judgeRebuild({ edit: "main.go", cachedSteps: ["go mod download"], rebuiltSteps: [] }, first, rebuild, model);
    expect(outcome.message).toContain("`RUN go mod download` ran again (400 ms) instead of coming from the cache: its stage starts FROM `build`, which was rebuilt");
  });

  it("fails when the step that should see the edit came from the cache too", () => {
    const rebuild = build(
      [
        ["[deps 1/3] FROM docker.io/stagecraft/node:18", "finished", 0],
        ["[deps 2/3] RUN npm ci", "cached"],
        ["[deps 3/3] COPY src ./src", "cached"],
      ],
      90,
    );
    const outcome = judgeRebuild(spec, first, rebuild, twoStages);
    expect(outcome).toMatchObject({ status: "fail" });
    expect(outcome.message).toMatch(/^`COPY src` came from the cache even though src\/index\.js changed/);
  });

  it("counts every matching step: a second install that ran again fails the check", () => {
    const rebuild = build(
      [
        ["[deps 1/3] FROM docker.io/stagecraft/node:18", "finished", 0],
        ["[deps 2/3] RUN npm ci", "cached"],
        ["[deps 3/3] COPY src ./src", "finished", 10],
        ["[stage-1 2/3] COPY . .", "finished", 10],
        ["[stage-1 3/3] RUN npm ci --omit=dev", "finished", 3000],
      ],
      3100,
    );
    const outcome = judgeRebuild(spec, first, rebuild, twoStages);
    expect(outcome.status).toBe("fail");
    expect(outcome.message).toMatch(/`RUN npm ci --omit=dev` ran again \(3\.0 s\)/);
  });
});

describe("withNonce", () => {
  it("keeps the nonce inside the comment, so every rebuild is a fresh edit that changes nothing", () => {
    expect(withNonce("// edited by the grader\n", "ab12")).toBe("// edited by the grader ab12\n");
    expect(withNonce("\n# edited\n\n", "ab12")).toBe("\n# edited ab12\n\n");
    expect(withNonce("/* edited */\n", "ab12")).toBe("/* edited ab12 */\n");
    expect(withNonce("<!-- edited -->", "ab12")).toBe("<!-- edited ab12 -->");
  });
});

describe("judgeRebuild with overlapping fragments", () => {
  it("counts a step two fragments match once", () => {
    const rebuild = build(
      [
        ["[1/3] FROM docker.io/stagecraft/node:18", "finished", 0],
        ["[2/3] COPY . .", "finished", 30],
        ["[3/3] RUN npm ci && npm cache clean --force", "finished", 5000],
      ],
      5100,
    );
    const outcome = judgeRebuild({ edit: "a.js", cachedSteps: ["npm ci", "npm cache clean"], rebuiltSteps: [] }, first, rebuild, { stages: [] });
    expect(outcome.message).not.toContain("more such step");
  });
});
