import { describe, expect, it } from "vitest";
import { CheckSpec } from "../../../lib/checks";
import type { ImageReport } from "../../../lib/report";
import { runChecks, type CheckContext } from "./index";
import { judgeSizeRatio, percent } from "./size-ratio";
import type { VariantBuild, VariantRequest } from "./types";

const MiB = 1024 * 1024;

describe("judgeSizeRatio", () => {
  it("passes at or under the ratio and shows starter, yours and the allowance", () => {
    const outcome = judgeSizeRatio(3.1 * MiB, 693 * MiB, 0.1);
    expect(outcome).toMatchObject({ status: "pass", message: "your image is 3.1 MiB, 0.45% of the starter's 693 MiB; at most 10% is allowed" });
    expect(outcome.detail).toEqual({
      type: "table",
      columns: ["Image", "Size", "Of the starter"],
      rows: [
        ["Starter", "693 MiB", "100%"],
        ["Yours", "3.1 MiB", "0.45%"],
        ["Allowed", "up to 69.3 MiB", "up to 10%"],
      ],
    });
  });

  it("fails over the ratio, naming the allowance in bytes", () => {
    expect(judgeSizeRatio(100 * MiB, 200 * MiB, 0.25)).toMatchObject({
      status: "fail",
      message: "your image is 100 MiB, 50% of the starter's 200 MiB; at most 25% (50.0 MiB) is allowed",
    });
  });

  it("formats percentages with enough digits", () => {
    expect([percent(1), percent(0.42), percent(0.075), percent(0.0044), percent(0.0001)]).toEqual(["100%", "42%", "7.5%", "0.44%", "0.01%"]);
  });
});

describe("size-ratio through runChecks", () => {
  const report = { sizeBytes: 10 * MiB } as ImageReport;
  const spec = CheckSpec.parse({ kind: "size-ratio", id: "smaller", title: "Smaller", hint: "h", maxRatio: 0.5 });
  const context = (starter: VariantBuild, seen: VariantRequest[]): CheckContext =>
    ({
      docker: {} as CheckContext["docker"],
      imageRef: "stagecraft-run/x:latest",
      report,
      build: { ok: true, imageId: "sha256:1", buildMs: 1, steps: [] },
      model: { stages: [] },
      linkBase: "/lessons/x",
      exercise: { starter: "FROM stagecraft/golang:1.19\n" } as CheckContext["exercise"],
      variants: {
        build: async (req) => {
          seen.push(req);
          return starter;
        },
      },
    }) satisfies CheckContext;

  it("builds the exercise's starter as the baseline", async () => {
    const seen: VariantRequest[] = [];
    const built: VariantBuild = { ok: true, message: "", steps: [], buildMs: 5, imageRef: null, sizeBytes: 40 * MiB };
    const [result] = await runChecks(context(built, seen), [spec]);
    expect(result).toMatchObject({ status: "pass", message: expect.stringContaining("25% of the starter's 40.0 MiB") });
    expect(seen).toEqual([{ label: "the exercise's starter, as the size baseline", dockerfile: "FROM stagecraft/golang:1.19\n" }]);
  });

  it("is an error, not a fail, when the starter itself does not build (a course bug)", async () => {
    const broken: VariantBuild = { ok: false, message: "Step #3 RUN x failed", steps: [], buildMs: 5, imageRef: null, sizeBytes: null };
    const [result] = await runChecks(context(broken, []), [spec]);
    expect(result).toMatchObject({ status: "error", message: expect.stringMatching(/starter Dockerfile did not build \(Step #3 RUN x failed\); tell the course staff/) });
  });

  it("is an error when the runner offers no variant builds", async () => {
    const ctx = { ...context({} as VariantBuild, []), variants: undefined };
    const [result] = await runChecks(ctx, [spec]);
    expect(result).toMatchObject({ status: "error", message: expect.stringContaining("cannot make the extra builds") });
  });
});
