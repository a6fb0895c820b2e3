/**
 * Every sandbox limit in one place. Each number says why it is what it is; the README's
 * "Sandbox limits" table mirrors this file. Change a number here and nowhere else.
 */
const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

export const SANDBOX_LIMITS = {
  dockerfile: {
    /** A real course Dockerfile is under 4 KiB; 64 KiB leaves room and keeps parsing instant. */
    maxBytes: 64 * KiB,
    /** Deeply continued lines are a parser-abuse vector; no lesson needs more than a few. */
    maxLines: 2_000,
  },
  context: {
    /** The exercise's own files plus the Dockerfile; exercises ship small sample apps. */
    maxBytes: 16 * MiB,
    maxFiles: 500,
  },
  build: {
    /** Wall-clock limit for one build; the slowest course build (cold Go compile) takes ~60 s. */
    timeoutMs: 180_000,
    /**
     * Total build output sent to the learner. BuildKit (engine 20.10) also clips one step's output
     * at 200 KiB/s and then goes silent, which would hide a flood from this cap: the build backend
     * therefore ends the build as soon as BuildKit reports a clipped step.
     */
    logCapBytes: 1 * MiB,
    /**
     * Final image size above which the run fails (`image_too_large`) and the image is deleted at
     * once, with its RUN steps' build-cache records (the LRU trim below would keep them).
     */
    maxImageBytes: 2 * GiB,
    /**
     * Build cache kept after each run (least recently used goes first). Large enough for the
     * whole course's dependency steps (node_modules, venvs, Rust targets: ~4 GiB when every
     * exercise's starter and solution has run) to stay cached between runs, so rebuild-cache
     * grades what the learner's Dockerfile does, not what the LRU trimmed; bounded so disk use is.
     * At 2 GiB, lessons:verify saw steps re-run between two identical builds.
     */
    cacheKeepBytes: 6 * GiB,
    /**
     * Refuse new builds (`disk_low`) when the engine's data disk has less than this free: room for
     * a worst-case build (a 2 GiB image, and its layers again in the cache) before the disk fills.
     * Tests raise it above the disk's real free space through `createEnginePipeline`'s `build`.
     */
    minFreeDiskBytes: 5 * GiB,
  },
  /**
   * Extra builds a check makes while grading (variant-builds.ts): a rebuild after an edit, the
   * exercise's starter as a size baseline, each `--target`. Each is a normal sandbox build (same
   * cgroup caps, no network, `build.timeoutMs`, `build.logCapBytes`, `build.maxImageBytes`).
   */
  variants: {
    /**
     * All of one run's variant builds together; each one also gets at most what is left. Sized for
     * the worst course exercise: one cold starter build (the slowest course build is a ~60 s cold
     * compile; a cold Go starter took 2.3 s on our sandbox) plus a cached rebuild or a few small
     * targets. A memoised starter (see variant-builds.ts) costs nothing after the first run. The
     * grading phase is bounded by `engine.checksTimeoutMs` plus this, for exercises that use them.
     */
    totalTimeoutMs: 180_000,
    /** Starter baselines remembered per runner process (an LRU); the course has ~25 exercises. */
    memoEntries: 64,
  },
  /**
   * Build insight, read after grading while the run's image still exists. It never changes a
   * grade: past these bounds a view says it was cut or is unavailable.
   * - Layers, waste, comparison (sandbox-runner/src/insight): the image's layers are streamed and
   *   the exercise's starter and solution are built once for the comparison.
   * - Stage graph: each builder stage the final image needed is built again as `--target` to weigh
   *   it. Every step is in the build cache by then, so one costs about a second; the bounds keep a
   *   many-stage file or a busy engine from holding the build slot for long.
   */
  insight: {
    /**
     * The whole layers/waste/comparison phase of one run. Reading an image streams every layer
     * (~150 MB/s here), so a 1 GiB monolith takes ~7 s; the first run of an exercise also builds
     * its starter and solution once (remembered afterwards), mostly from the build cache.
     */
    totalTimeoutMs: 45_000,
    /** Reading one image's layers; past this the waste view says how far it got. */
    readTimeoutMs: 12_000,
    /** Tar entries read per image (a Debian base has ~6 k, a Go toolchain image ~15 k). */
    maxEntries: 200_000,
    /**
     * Starter and solution builds for the comparison, shared like `variants.totalTimeoutMs` (same
     * sandbox, same caps); they are remembered per runner process, so later runs skip them.
     */
    buildBudgetMs: 30_000,
    /** Starter and solution summaries remembered per runner process (two per exercise). */
    memoEntries: 64,
    /** All of one run's stage weighings together; past it the graph is drawn without weights. */
    stageWeightsMs: 30_000,
    /** Stages weighed per run; the course's files have at most four. */
    maxWeighedStages: 6,
  },
  /** Written on BuildKit's parent cgroup (DESIGN.md §3): an aggregate over concurrent builds. */
  buildCgroup: {
    /** Enough for gcc/go compiles; a memory bomb is killed well before it hurts the host. */
    memoryBytes: 1536 * MiB,
    /** A Go build uses < 60 threads; a fork bomb hits this at once. */
    pids: 512,
    /** Two cores on a CI machine: leave one for the runner, the web app and the engine. */
    cpus: 1,
  },
  /** Containers started at check time (output checks, probes). */
  container: {
    memoryBytes: 128 * MiB,
    pids: 64,
    nanoCpus: 500_000_000,
    /** Captured stdout/stderr per container; the attach stream itself is uncapped. */
    outputCapBytes: 64 * KiB,
    defaultTimeoutMs: 10_000,
    tmpfsSize: "16m",
  },
  queue: {
    /** One build at a time per engine makes the cgroup caps per-build caps. */
    buildSlots: 1,
    /**
     * Waiting runs beyond this answer `busy`: a class of 30 finds most of itself in line, and the
     * runner never knows more than `buildSlots + maxQueued` runs (a queue entry is a few hundred
     * bytes, but each run also holds its learner's socket and Dockerfile).
     */
    maxQueued: 20,
    /**
     * Per learner, first come first served: one run building and one more waiting, e.g. a second
     * tab's (the page's Run button allows one at a time). A third start answers `already_running`.
     * A learner's waiting run never starts beside their running one, even with more build slots.
     */
    perLearner: { running: 1, queued: 1 },
  },
  /**
   * Bounds on single Engine API calls outside the build stream. A daemon that accepts the
   * connection but never answers (wedged storage driver, stuck containerd) would otherwise hold
   * the run, its Submission and the only build slot forever.
   */
  engine: {
    /**
     * One short call (`/info`, image inspect and history for the report). A healthy engine answers
     * in well under a second even when busy; 10 s also keeps a hung engine's run inside the time
     * a learner will wait for an answer.
     */
    callTimeoutMs: 10_000,
    /**
     * Deleting the run's image and pruning the build cache. Pruning gigabytes can take a while on
     * a slow disk; past this the run ends anyway and the start-up sweep removes what is left.
     */
    cleanupTimeoutMs: 30_000,
    /**
     * Grading: a few check containers, each bounded by `container.defaultTimeoutMs` or its own
     * timeout, plus their create/remove calls. Generous, since checks run one after another.
     */
    checksTimeoutMs: 90_000,
  },
  socket: {
    /** Frames larger than this are answered with `frame_too_large` and not parsed. */
    maxFrameBytes: 256 * KiB,
    /**
     * Frames up to this size are still read, so an oversize one gets a typed answer and the
     * connection stays usable; beyond it the socket is closed (1009) without reading further.
     */
    hardMaxFrameBytes: 8 * MiB,
    /**
     * Arrays and objects nested deeper than this are refused (`invalid_message`) before parsing:
     * protocol messages nest three levels, and parsing a 256 KiB frame nested 20 000 deep takes
     * ~10 ms each time, enough for a few connections to keep the runner's one thread busy.
     */
    maxJsonDepth: 32,
    /**
     * Messages per connection per 10 s window. A page sends a start and maybe a cancel per run, so
     * 20 is far above honest use. Over it: one `rate_limited` answer per window, later frames are
     * ignored, and past five times the budget the socket is closed (1008) (message-rate.ts).
     */
    messagesPerWindow: 20,
    windowMs: 10_000,
    /** Close connections with no traffic for this long (4000), unless one of their runs is going. */
    idleTimeoutMs: 10 * 60_000,
    /** Coalesce log chunks into one frame at most this often. */
    logFlushMs: 50,
  },
} as const;

export type SandboxLimits = typeof SANDBOX_LIMITS;
