/**
 * The WebSocket protocol between the lesson page and the sandbox runner.
 *
 * One closed set of messages per direction, each a member of a discriminated union on `type`.
 * Every message carries the run's id so a page can drop stale output from an earlier run.
 * Both ends treat incoming frames as `unknown` until `parseClientMessage` / `parseServerMessage`
 * accept them.
 */
import { z } from "zod";
import { CheckResult } from "./checks";
import { BuildInsight } from "./insight/index";
import { ImageReport } from "./report";

/** Client-chosen run id: a UUID, also the id of the Submission row the runner writes. */
export const RunId = z.string().uuid();
export type RunId = z.infer<typeof RunId>;

/** Caps that apply before anything else looks at a frame. */
export const PROTOCOL_LIMITS = {
  /** Largest accepted WebSocket frame; a Dockerfile cap of 64 KiB fits comfortably. */
  maxFrameBytes: 256 * 1024,
  /** Largest Dockerfile text accepted by `start` (the runner re-checks against its own limits). */
  maxDockerfileBytes: 64 * 1024,
} as const;

// ---------------------------------------------------------------------------------------------
// Client → runner
// ---------------------------------------------------------------------------------------------

export const StartMessage = z.object({
  type: z.literal("start"),
  runId: RunId,
  exerciseId: z.string().min(1).max(200),
  /** Learner-editable files. Only `Dockerfile` today; the exercise's other files come from disk. */
  files: z.object({ Dockerfile: z.string().max(PROTOCOL_LIMITS.maxDockerfileBytes) }),
});

export const CancelMessage = z.object({ type: z.literal("cancel"), runId: RunId });

export const ClientMessage = z.discriminatedUnion("type", [StartMessage, CancelMessage]);
export type ClientMessage = z.infer<typeof ClientMessage>;

// ---------------------------------------------------------------------------------------------
// Runner → client
// ---------------------------------------------------------------------------------------------

/** Terminal states; a Submission always ends in one of them. */
export const RunState = z.enum(["passed", "failed", "cancelled", "error", "interrupted"]);
export type RunState = z.infer<typeof RunState>;

export const ErrorCode = z.enum([
  "invalid_message", // frame is not JSON or not a known message
  "frame_too_large",
  "rate_limited",
  "unauthorized", // missing/expired token or foreign Origin
  "unknown_exercise",
  // The Dockerfile uses something the sandbox does not allow (with `problems`, which may also
  // include parse errors on the same text).
  "admission_rejected",
  // Only the text itself is wrong: empty, too big (over the protocol's cap, or the runner's caps on
  // bytes, lines, line length), does not parse or has no FROM; with `problems` when admission found
  // them. Over the protocol's cap the run is refused before it exists (no Submission row).
  "dockerfile_invalid",
  "already_running", // this learner already holds the most runs: one building and one waiting
  "busy", // the queue is full
  "engine_unavailable", // Docker engine unreachable, or it went away mid-run
  // The database does not answer: the run is refused before it starts (nothing could be stored).
  "database_unavailable",
  // Stored only, never sent live: the runner restarted (crash, kill, deploy) while the run was in
  // progress, so it was marked `interrupted` at the next start-up.
  "runner_restarted",
  "build_failed",
  "timeout",
  "log_limit",
  "image_too_large",
  "disk_low",
  "internal",
]);
export type ErrorCode = z.infer<typeof ErrorCode>;

/** A precise complaint about one place in the Dockerfile (admission or parse errors). */
export const Problem = z.object({
  rule: z.string(),
  message: z.string(),
  /** 1-based line in the Dockerfile, when known. */
  line: z.number().int().positive().optional(),
  /** Lesson section that explains the rule, e.g. `/lessons/02-anatomy#copy-from`. */
  link: z.string().optional(),
});
export type Problem = z.infer<typeof Problem>;

export const StepStatus = z.enum(["started", "finished", "cached", "failed"]);
export type StepStatus = z.infer<typeof StepStatus>;

/** One BuildKit vertex, as the learner sees it. Sent again whenever its status changes. */
export const BuildStep = z.object({
  /** The vertex digest: stable key for the step across messages. */
  id: z.string(),
  /** Display number in order of first appearance (#1, #2, … like `--progress=plain`). */
  number: z.number().int().positive(),
  /** Vertex name, e.g. `[builder 3/5] RUN go build -o /out/app .` */
  name: z.string(),
  status: StepStatus,
  /** Stage name or index parsed from the name, when present. */
  stage: z.string().optional(),
  /** Dockerfile line the step came from, when it can be matched. */
  line: z.number().int().positive().optional(),
  /** Milliseconds from started to completed, once completed. */
  durationMs: z.number().nonnegative().optional(),
  error: z.string().optional(),
});
export type BuildStep = z.infer<typeof BuildStep>;

const base = { runId: RunId };

export const AcceptedMessage = z.object({
  type: z.literal("accepted"),
  ...base,
  /** 0 = building now; N = N runs ahead of this one. */
  position: z.number().int().nonnegative(),
});
export const QueueMessage = z.object({
  type: z.literal("queue"),
  ...base,
  position: z.number().int().nonnegative(),
});
export const StepMessage = z.object({ type: z.literal("step"), ...base, step: BuildStep });
export const LogMessage = z.object({
  type: z.literal("log"),
  ...base,
  /** Step id the output belongs to; absent for runner notes. */
  stepId: z.string().optional(),
  stream: z.enum(["stdout", "stderr", "runner"]),
  /** Sanitised text (no terminal control sequences except newlines and tabs). */
  chunk: z.string(),
});
/**
 * The image report, once the image is inspected; sent again after the checks when the runner has
 * weighed the builder stages (the same report plus `stageWeights`). The last one is what is stored.
 */
export const ReportMessage = z.object({ type: z.literal("report"), ...base, report: ImageReport });
/** Build insight (layers, waste, comparison), sent after the checks; a run may end without it. */
export const InsightMessage = z.object({ type: z.literal("insight"), ...base, insight: BuildInsight });
export const ChecksMessage = z.object({
  type: z.literal("checks"),
  ...base,
  results: z.array(CheckResult),
});
export const ErrorMessage = z.object({
  type: z.literal("error"),
  /** Null only when the offending frame could not be tied to a run (malformed input). */
  runId: RunId.nullable(),
  code: ErrorCode,
  message: z.string(),
  problems: z.array(Problem).optional(),
});
export const FinishedMessage = z.object({
  type: z.literal("finished"),
  ...base,
  state: RunState,
  durationMs: z.number().nonnegative(),
  /** Build phase only (start of build → end of HTTP stream), when a build ran. */
  buildMs: z.number().nonnegative().optional(),
});

export const ServerMessage = z.discriminatedUnion("type", [
  AcceptedMessage,
  QueueMessage,
  StepMessage,
  LogMessage,
  ReportMessage,
  ChecksMessage,
  InsightMessage,
  ErrorMessage,
  FinishedMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type ServerMessageOf<T extends ServerMessage["type"]> = Extract<ServerMessage, { type: T }>;

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

function parseFrame<T>(schema: z.ZodType<T>, raw: unknown): ParseResult<T> {
  let data: unknown = raw;
  if (typeof raw === "string") {
    try {
      data = JSON.parse(raw);
    } catch {
      return { ok: false, error: "message is not valid JSON" };
    }
  }
  const parsed = schema.safeParse(data);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length > 0 ? ` at ${issue.path.join(".")}` : "";
    return { ok: false, error: `invalid message${where}: ${issue?.message ?? "unknown shape"}` };
  }
  return { ok: true, value: parsed.data };
}

export const parseClientMessage = (raw: unknown) => parseFrame(ClientMessage, raw);
export const parseServerMessage = (raw: unknown) => parseFrame(ServerMessage, raw);
