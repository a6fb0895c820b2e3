import { describe, expect, it } from "vitest";
import type { BuildStep } from "../protocol";
import { buildPlan } from "./build-plan";
import { buildProgress } from "./build-progress";

let n = 0;
const step = (name: string, status: BuildStep["status"]): BuildStep => ({ id: `d${++n}`, number: n, name, status });

const multi = [
  "FROM stagecraft/golang:1.19 AS build",
  "WORKDIR /src",
  "COPY go.mod .",
  "RUN go mod download \\",
  "    && echo ok",
  "# comment",
  "COPY . .",
  "ENV CGO_ENABLED=0",
  "RUN go build -o /app .",
  "FROM stagecraft/busybox:1.35 AS unused",
  "RUN echo never",
  "FROM stagecraft/busybox:1.35 AS base",
  "FROM base",
  "COPY --from=build /app /app",
  "USER 65532",
  'CMD ["/app"]',
].join("\n");

describe("buildPlan", () => {
  it("counts the steps of the stages the final image needs, skipping unused ones", () => {
    expect(buildPlan(multi)).toEqual({ stages: { build: 6, base: 1, "stage-3": 1 } });
  });

  it("labels a one-stage file's steps with no stage, like BuildKit", () => {
    expect(buildPlan("FROM stagecraft/busybox:1.35\nCOPY a /a\nCMD [\"/a\"]\n")).toEqual({ stages: { "": 2 } });
  });

  it("plans nothing for empty text", () => {
    expect(buildPlan("")).toEqual({ stages: {} });
  });
});

describe("buildProgress", () => {
  const plan = buildPlan(multi);

  it("starts at 0 of the planned total", () => {
    expect(buildProgress(plan, [])).toEqual({ done: 0, total: 8, current: null });
  });

  it("counts finished and cached steps, and names the step running now", () => {
    const steps = [
      step("[internal] load build definition from Dockerfile", "finished"),
      step("[build 1/6] FROM stagecraft/golang:1.19", "cached"),
      step("[build 2/6] WORKDIR /src", "finished"),
      step("[build 3/6] COPY go.mod .", "finished"),
      step("[build 4/6] RUN go mod download && echo ok", "started"),
    ];
    expect(buildProgress(plan, steps)).toEqual({ done: 3, total: 8, current: "[build 4/6] RUN go mod download && echo ok" });
  });

  it("trusts BuildKit's step count over the plan, and counts a merged FROM as done", () => {
    const steps = [
      step("[base 1/1] FROM stagecraft/busybox:1.35", "cached"),
      step("[stage-3 2/2] COPY --from=build /app /app", "finished"),
      step("[build 1/7] FROM stagecraft/golang:1.19", "cached"),
    ];
    // build has 7 steps per BuildKit; stage-3's FROM is base's vertex, never named stage-3 1/2.
    expect(buildProgress(plan, steps)).toMatchObject({ done: 4, total: 10 });
  });

  it("never reports more done than total, even without a plan", () => {
    const steps = [step("[1/2] FROM x", "finished"), step("[2/2] RUN y", "finished")];
    expect(buildProgress({ stages: {} }, steps)).toMatchObject({ done: 2, total: 2 });
  });
});
