/**
 * rebuild-cache, size-ratio and targets for real: small busybox exercises written to a temporary
 * folder, graded by the runner's own pipeline (`createEnginePipeline` + `executeRun`) on the real
 * engine, so the variant builds, their notes and their cleanup are the ones learners get.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CheckResult, StepTiming } from "../../../lib/checks";
import type { Exercise } from "../../../lib/lessons/schema";
import { createDocker } from "../engine";
import { createEnginePipeline } from "../engine-pipeline";
import { executeRun, type PipelineDeps, type RunOutcome } from "../run-pipeline";
import { expectImagesGone, writeExercise, type ExerciseFiles } from "../test-support";

const docker = createDocker(process.env.DOCKER_SOCKET ?? "/var/run/docker.sock");
/** Makes this file's first builds cold, whatever earlier test runs left in the build cache. */
const nonce = randomBytes(4).toString("hex");
const BUSYBOX = "stagecraft/busybox:1.35";
const DEBIAN = "stagecraft/debian:bookworm-slim";

let root: string;
let pipeline: PipelineDeps;
const outcomes: RunOutcome[] = [];

beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), "sc-build-checks-"));
  pipeline = await createEnginePipeline(docker, { build: { timeoutMs: 60_000 }, warn: () => undefined });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const exerciseWith = (name: string, opts: ExerciseFiles) => writeExercise(root, name, opts);

/** One graded run through the real pipeline; its images (and its variants') must be gone after. */
async function grade(exercise: Exercise, dockerfile: string): Promise<{ outcome: RunOutcome; result: CheckResult }> {
  const outcome = await executeRun(pipeline, {
    runId: randomUUID(),
    learnerId: "build-checks-engine",
    exercise,
    dockerfile,
    signal: new AbortController().signal,
    emit: () => undefined,
  });
  outcomes.push(outcome);
  await expectImagesGone(docker, outcome);
  const result = outcome.checks?.at(-1);
  if (!result) throw new Error(`no check results: ${outcome.state} ${outcome.errorMessage ?? ""}\n${outcome.log}`);
  return { outcome, result };
}

describe("rebuild-cache", () => {
  const files = { "deps.txt": `left-pad ${nonce}\n`, "src/app.sh": "echo hello from the app\n" };
  const check = {
    kind: "rebuild-cache",
    edit: "src/app.sh",
    append: "# edited by the grader\n",
    // Matched across the continued line, as BuildKit names the step.
    cachedSteps: ["deps.out && echo install-deps"],
    rebuiltSteps: ["build-app"],
  };
  // Dependencies first: the edit to src/app.sh reaches only the COPY of src and the steps after it.
  const depsFirst = `FROM ${BUSYBOX} AS build
WORKDIR /app
COPY deps.txt .
RUN sleep 1 && cat deps.txt > deps.out && \\
    echo install-deps ${nonce}
COPY src ./src
RUN cat src/app.sh deps.out > app.sh && echo build-app
FROM ${BUSYBOX}
COPY --from=build /app/app.sh /app.sh
CMD ["sh", "/app.sh"]
`;
  // Everything at once: the edit invalidates the COPY and so the install after it.
  const copyAllFirst = depsFirst.replace("COPY deps.txt .", "COPY . .").replace("COPY src ./src\n", "");

  it("passes when the dependency step stays CACHED after a source edit, with both timelines", async () => {
    const exercise = await exerciseWith("rebuild-good", { files, checks: [check] });
    const { outcome, result } = await grade(exercise, depsFirst);
    expect(result, outcome.log).toMatchObject({ status: "pass" });
    expect(result.message).toMatch(/^after only src\/app\.sh changed, `deps\.out && echo install-deps` came from the cache and `build-app` ran again \(the rebuild took/);
    expect(outcome.log).toContain("Extra build for the checks: rebuild after editing src/app.sh…");
    expect(outcome.variantTags).toHaveLength(1);
    const detail = result.detail;
    if (detail?.type !== "timelines") throw new Error("expected timelines");
    const [first, rebuild] = detail.runs;
    const install = (steps: StepTiming[]) => steps.find((s) => s.name.includes("install-deps"));
    expect(install(first!.steps)).toMatchObject({ cached: false });
    expect(install(first!.steps)?.durationMs).toBeGreaterThanOrEqual(1000);
    expect(install(rebuild!.steps)).toMatchObject({ cached: true, durationMs: 0 });
    expect(rebuild!.steps.find((s) => s.name.includes("build-app"))).toMatchObject({ cached: false });
    expect(rebuild!.totalMs).toBeLessThan(first!.totalMs);
  });

  it("fails when an earlier COPY of the edited file invalidates the install, on every run", async () => {
    const exercise = await exerciseWith("rebuild-bad", { files, checks: [{ ...check, rebuiltSteps: [] }] });
    for (let i = 0; i < 2; i += 1) {
      // The second run's rebuild must not hit the first run's cached rebuild: the edit is fresh each time.
      const { result } = await grade(exercise, copyAllFirst);
      expect(result, `run ${i + 1}`).toMatchObject({ status: "fail" });
      expect(result.message).toMatch(/`RUN sleep 1 && cat deps\.txt > deps\.out && echo install-deps…` ran again \(\d\.\d s\) instead of coming from the cache: an earlier step, `COPY \. \.`, copies src\/app\.sh/);
      expect(result.detail?.type).toBe("timelines");
    }
  });

  it("fails, saying so, when no step matches a fragment", async () => {
    const exercise = await exerciseWith("rebuild-missing", { files, checks: [{ ...check, cachedSteps: ["npm ci"] }] });
    const { result } = await grade(exercise, depsFirst);
    expect(result).toMatchObject({ status: "fail", message: expect.stringMatching(/^no step of your build runs `npm ci`/) });
  });
});

describe("size-ratio", () => {
  const files = { "hello.txt": `hello ${nonce}\n` };
  // The starter ships 4 MiB of build leftovers; a good answer copies only the file.
  const starter = `FROM ${BUSYBOX}
RUN dd if=/dev/zero of=/leftovers bs=1024 count=4096 2>/dev/null && echo ${nonce}
COPY hello.txt /hello.txt
CMD ["cat", "/hello.txt"]
`;
  const solution = `FROM ${BUSYBOX}
COPY hello.txt /hello.txt
CMD ["cat", "/hello.txt"]
`;
  const check = { kind: "size-ratio", maxRatio: 0.5 };

  it("passes a small image against the starter, fails the starter itself, and remembers the baseline", async () => {
    const exercise = await exerciseWith("ratio", { files, checks: [check], starter });
    const good = await grade(exercise, solution);
    expect(good.result, good.outcome.log).toMatchObject({ status: "pass", message: expect.stringMatching(/^your image is [\d.]+ MiB, \d+% of the starter's [\d.]+ MiB; at most 50% is allowed$/) });
    expect(good.result.detail).toMatchObject({ type: "table", columns: ["Image", "Size", "Of the starter"] });
    expect(good.outcome.variantTags).toHaveLength(1);

    const bad = await grade(exercise, starter);
    expect(bad.result).toMatchObject({ status: "fail", message: expect.stringContaining("100% of the starter's") });
    // The starter's size was measured once in this runner process: no second starter build.
    expect(bad.outcome.log).toContain("(built in an earlier run, not built again)");
    expect(bad.outcome.variantTags ?? []).toHaveLength(0);
  });

  it("is an error, not a fail, when the exercise's starter does not build", async () => {
    const exercise = await exerciseWith("ratio-broken", { files, checks: [check], starter: `FROM ${BUSYBOX}\nRUN exit 3 # ${nonce}\n` });
    const { result } = await grade(exercise, solution);
    expect(result).toMatchObject({ status: "error", message: expect.stringContaining("the exercise's starter Dockerfile did not build") });
  });
});

describe("targets", () => {
  const files = { "greeting.txt": `hello from a target ${nonce}\n` };
  const dockerfile = `FROM ${BUSYBOX} AS build
COPY greeting.txt /out/greeting.txt
FROM ${BUSYBOX} AS tiny
COPY --from=build /out/greeting.txt /greeting.txt
CMD ["cat", "/greeting.txt"]
FROM ${DEBIAN} AS debian
COPY --from=build /out/greeting.txt /greeting.txt
CMD ["cat", "/greeting.txt"]
FROM tiny AS broken
CMD ["cat", "/nowhere.txt"]
`;
  const target = (name: string, maxBytes?: number) => ({ target: name, label: `${name} base`, ...(maxBytes && { maxBytes }) });

  it("builds and runs every target, with a table of bases and sizes, on every run", async () => {
    const exercise = await exerciseWith("targets-good", {
      files,
      checks: [{ kind: "targets", targets: [target("tiny", 8 * 1024 * 1024), target("debian")], stdoutIncludes: ["hello from a target"] }],
      // The learner's text is the solution: its targets are built (and run) again, never remembered.
      solution: dockerfile,
    });
    await grade(exercise, dockerfile);
    const { outcome, result } = await grade(exercise, dockerfile);
    expect(result, outcome.log).toMatchObject({ status: "pass", message: expect.stringMatching(/^all 2 targets built and ran: tiny [\d.]+ MiB, debian [\d.]+ MiB$/) });
    expect(result.detail).toMatchObject({
      type: "table",
      columns: ["Target", "Base", "Size", "Budget", "Runs"],
      rows: [
        ["tiny base (tiny)", BUSYBOX, expect.stringMatching(/MiB$/), "8.0 MiB", "yes"],
        ["debian base (debian)", DEBIAN, expect.stringMatching(/MiB$/), "—", "yes"],
      ],
    });
    expect(outcome.variantTags).toHaveLength(2);
  });

  it("fails naming each target that did not build, run or fit", async () => {
    const exercise = await exerciseWith("targets-bad", {
      files,
      checks: [{ kind: "targets", targets: [target("tiny"), target("broken"), target("missing"), target("debian", 1024 * 1024)], stdoutIncludes: ["hello"] }],
    });
    const { result } = await grade(exercise, dockerfile);
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(/^3 of 4 targets fell short: `broken` exited with code 1 after printing "cat: can.t open .\/nowhere\.txt.: No such file or directory"; `missing` did not build: .*missing.*; `debian` is [\d.]+ MiB, over its 1\.0 MiB budget$/);
    expect(result.detail).toMatchObject({
      type: "table",
      rows: [
        [expect.any(String), BUSYBOX, expect.any(String), "—", "yes"],
        ["broken base (broken)", BUSYBOX, expect.any(String), "—", "no: exit code 1"],
        ["missing base (missing)", "—", "—", "—", "did not build"],
        ["debian base (debian)", DEBIAN, expect.any(String), "1.0 MiB", "yes"],
      ],
    });
  });
});
