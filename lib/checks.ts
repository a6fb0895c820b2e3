/**
 * The check vocabulary: what an exercise can demand of the image a learner built.
 *
 * Checks grade the built image (its config, history, filesystem and behaviour), never the
 * Dockerfile's text. Specs live in each exercise's `exercise.json`; the runner executes them;
 * results have one shape in the UI, the database and the verifier.
 */
import { z } from "zod";

/**
 * Fields every check carries, whatever it tests. Check objects are strict: a misspelt field
 * (`stdoutInclude`) is a content error, not a silently weaker check.
 */
const common = {
  /** Stable id within the exercise, e.g. `no-compiler`. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, "check ids are kebab-case"),
  /** What the learner sees as the check's name, e.g. "No Go toolchain in the final image". */
  title: z.string().min(1),
  /** Shown when the check fails: a nudge, not the answer. */
  hint: z.string().min(1),
  /** Anchor of the lesson section that explains this, e.g. `copy-from` (→ `#copy-from`). */
  section: z.string().optional(),
};

export const BuildSucceedsCheck = z.strictObject({ kind: z.literal("build-succeeds"), ...common });

export const StageCountCheck = z.strictObject({
  kind: z.literal("stage-count"),
  ...common,
  min: z.number().int().positive().optional(),
  max: z.number().int().positive().optional(),
});

export const ImageSizeCheck = z.strictObject({
  kind: z.literal("image-size"),
  ...common,
  /** Largest allowed final image size in bytes (as reported by image inspect `Size`). */
  maxBytes: z.number().int().positive(),
});

export const NonRootUserCheck = z.strictObject({ kind: z.literal("non-root-user"), ...common });

export const PathsAbsentCheck = z.strictObject({
  kind: z.literal("paths-absent"),
  ...common,
  /** Absolute paths that must not exist in the final image's filesystem. */
  paths: z.array(z.string().startsWith("/")).min(1),
});

export const ContainerOutputCheck = z.strictObject({
  kind: z.literal("container-output"),
  ...common,
  /** Overrides the image's CMD (keeps its ENTRYPOINT); absent = run the image as configured. */
  cmd: z.array(z.string()).optional(),
  /** Every string must appear in stdout. */
  stdoutIncludes: z.array(z.string()).default([]),
  /** Expected exit code. @default 0 */
  exitCode: z.number().int().default(0),
  /** Wall-clock limit for the container. @default 10000 */
  timeoutMs: z.number().int().positive().max(60_000).default(10_000),
});

export const ExecFormCmdCheck = z.strictObject({ kind: z.literal("exec-form-cmd"), ...common });

/**
 * Runs the image and probes it over HTTP from a probe container that shares its network namespace
 * (the app itself still has no network), or waits for the image's own HEALTHCHECK to report
 * healthy. Passes on the expected status code.
 */
export const HealthProbeCheck = z.strictObject({
  kind: z.literal("health-probe"),
  ...common,
  /** `http`: GET `http://127.0.0.1:<port><path>`; `healthcheck`: wait for the image's HEALTHCHECK. @default "http" */
  mode: z.enum(["http", "healthcheck"]).default("http"),
  /** Port the app listens on inside the container. Required for `http`. */
  port: z.number().int().min(1).max(65535).optional(),
  /** @default "/health" */
  path: z.string().startsWith("/").default("/health"),
  /** @default 200 */
  expectStatus: z.number().int().min(100).max(599).default(200),
  /** The body must contain this, when set. */
  bodyIncludes: z.string().optional(),
  /** How long the app may take to answer (or turn healthy). @default 15000 */
  timeoutMs: z.number().int().positive().max(60_000).default(15_000),
});

/**
 * Runs the image with a read-only root filesystem (a writable tmpfs only at `tmpfs` paths) and
 * passes when it keeps running for `stayUpMs` (a server) or exits 0 (a CLI), and, with `port`,
 * answers its health route while read-only.
 */
export const ReadOnlyRunCheck = z.strictObject({
  kind: z.literal("read-only-run"),
  ...common,
  /** Writable tmpfs mounts the run gets. @default ["/tmp"] */
  tmpfs: z.array(z.string().startsWith("/")).default(["/tmp"]),
  /** A server must still be running after this long. @default 3000 */
  stayUpMs: z.number().int().positive().max(30_000).default(3_000),
  /** Also probe `http://127.0.0.1:<port><path>` while it runs. */
  port: z.number().int().min(1).max(65535).optional(),
  /** @default "/health" */
  path: z.string().startsWith("/").default("/health"),
});

/**
 * Scans the image config (`Env`, labels, cmd) and every history entry (where `ARG` values used by a
 * `RUN` and `ENV` values are recorded) for secrets: variables whose names look secret and carry a
 * value, and the literal `values` the exercise planted. With `paths`, those files must be absent.
 */
export const SecretScanCheck = z.strictObject({
  kind: z.literal("secret-scan"),
  ...common,
  /** Literal secret values to look for (e.g. the token in the exercise's `.env`). */
  values: z.array(z.string().min(4)).default([]),
  /** Variable-name patterns (case-insensitive regular expressions) treated as secret. @default SECRET_NAME_PATTERNS */
  namePatterns: z.array(z.string().min(1)).optional(),
  /** Files that must not be in the final image (e.g. `/app/.env`). */
  paths: z.array(z.string().startsWith("/")).default([]),
});

/** The final image's filesystem holds none of the named toolchains (see `TOOLCHAINS`). */
export const ToolchainsAbsentCheck = z.strictObject({
  kind: z.literal("toolchains-absent"),
  ...common,
  toolchains: z.array(z.enum(["go", "c", "rust", "node-build", "python-build", "package-manager", "shell"])).min(1),
});

/** A path in the final image exists and belongs to the given user and/or group (names or ids). */
export const FileOwnerCheck = z.strictObject({
  kind: z.literal("file-owner"),
  ...common,
  path: z.string().startsWith("/"),
  /** A name from the image's /etc/passwd, or a numeric uid as a string ("65532"). */
  user: z.string().min(1).optional(),
  group: z.string().min(1).optional(),
});

/**
 * The build's stage graph: named stages exist, and each `COPY --from` edge was built. `from` is a
 * stage name, a stage index ("0") or a catalog image; `to` is the stage that copies (name or
 * index; "final" for the last stage). @default to "final"
 */
export const CopyFromEdgesCheck = z.strictObject({
  kind: z.literal("copy-from-edges"),
  ...common,
  stageNames: z.array(z.string().min(1)).default([]),
  edges: z
    .array(
      z.strictObject({
        from: z.string().min(1),
        to: z.string().min(1).default("final"),
        /** How the COPY must name a stage source: `name` (`--from=assets`), `index` (`--from=0`) or either. @default "any" */
        form: z.enum(["any", "name", "index"]).default("any"),
      }),
    )
    .default([]),
  /** Every edge must name its stage by index ("0"), not by name: `form: "index"` for all edges. */
  byIndex: z.boolean().default(false),
});

/**
 * Rebuilds after a source-only edit and checks the dependency steps came from the cache: the grader
 * appends `append` to the context file `edit`, builds again with the same Dockerfile, and needs
 * every step whose instruction contains one of `cachedSteps` to be CACHED and (optionally) each of
 * `rebuiltSteps` to have run. The learner sees both timelines.
 */
export const RebuildCacheCheck = z.strictObject({
  kind: z.literal("rebuild-cache"),
  ...common,
  /** Context file (relative to `context/`) the grader edits, e.g. `src/index.ts`. */
  edit: z.string().min(1),
  /** Text appended to it: a comment in the file's language. */
  append: z.string().min(1),
  /** Instruction fragments (e.g. "npm ci", "go mod download") whose steps must be CACHED. */
  cachedSteps: z.array(z.string().min(1)).min(1),
  /** Instruction fragments whose steps must have run again (proves the edit was seen). */
  rebuiltSteps: z.array(z.string().min(1)).default([]),
});

/** Final image size at most `maxRatio` times the exercise starter's image (built by the grader). */
export const SizeRatioCheck = z.strictObject({
  kind: z.literal("size-ratio"),
  ...common,
  maxRatio: z.number().positive().max(1),
});

/**
 * Builds each named `--target` of the learner's Dockerfile, runs it, and shows a table of sizes:
 * the same program on several bases. Every target must build and print `stdoutIncludes`.
 */
export const TargetsCheck = z.strictObject({
  kind: z.literal("targets"),
  ...common,
  targets: z
    .array(
      z.strictObject({
        target: z.string().min(1),
        /** Shown in the table, e.g. "distroless-style static". */
        label: z.string().min(1),
        maxBytes: z.number().int().positive().optional(),
      }),
    )
    .min(2),
  cmd: z.array(z.string()).optional(),
  stdoutIncludes: z.array(z.string()).default([]),
});

export const CheckSpec = z.discriminatedUnion("kind", [
  BuildSucceedsCheck,
  StageCountCheck,
  ImageSizeCheck,
  NonRootUserCheck,
  PathsAbsentCheck,
  ContainerOutputCheck,
  ExecFormCmdCheck,
  HealthProbeCheck,
  ReadOnlyRunCheck,
  SecretScanCheck,
  ToolchainsAbsentCheck,
  FileOwnerCheck,
  CopyFromEdgesCheck,
  RebuildCacheCheck,
  SizeRatioCheck,
  TargetsCheck,
]);
export type CheckSpec = z.infer<typeof CheckSpec>;
export type CheckKind = CheckSpec["kind"];
export type CheckSpecOf<K extends CheckKind> = Extract<CheckSpec, { kind: K }>;

export const CheckStatus = z.enum(["pass", "fail", "error"]);
export type CheckStatus = z.infer<typeof CheckStatus>;

/** One step of a build as the learner's timeline shows it. */
export const StepTiming = z.object({
  name: z.string(),
  cached: z.boolean(),
  durationMs: z.number().nonnegative().nullable(),
});
export type StepTiming = z.infer<typeof StepTiming>;

/**
 * Extra evidence a check shows under its message: build timelines side by side (rebuild-cache) or
 * a small table (targets' sizes, size-ratio's numbers). Plain data, rendered by the results panel.
 */
export const CheckDetail = z.discriminatedUnion("type", [
  z.object({
    type: z.literal("timelines"),
    runs: z.array(z.object({ label: z.string(), totalMs: z.number().nonnegative(), steps: z.array(StepTiming) })).min(1),
  }),
  z.object({
    type: z.literal("table"),
    columns: z.array(z.string()).min(1),
    rows: z.array(z.array(z.string())),
  }),
]);
export type CheckDetail = z.infer<typeof CheckDetail>;

/**
 * The outcome of one check. `error` means the check itself could not be evaluated (the engine
 * failed, the container would not start for reasons outside the learner's control) and is never
 * counted as a pass.
 */
export const CheckResult = z.object({
  checkId: z.string(),
  kind: z.string(),
  title: z.string(),
  status: CheckStatus,
  /** What was observed, in plain words: "final image is 412 MB; the budget is 40 MB". */
  message: z.string(),
  /** Present when status is not `pass`. */
  hint: z.string().optional(),
  /** Link to the lesson section, e.g. `/lessons/anatomy#copy-from`. */
  link: z.string().optional(),
  detail: CheckDetail.optional(),
});
export type CheckResult = z.infer<typeof CheckResult>;

/** A run passes when every check passed. */
export function allPassed(results: readonly CheckResult[]): boolean {
  return results.length > 0 && results.every((r) => r.status === "pass");
}
