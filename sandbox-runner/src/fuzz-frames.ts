/**
 * Generated hostile WebSocket frames for the protocol fuzz (protocol-fuzz.engine.test.ts), each with
 * the typed answer the runner owes it. Seeded, so a failure replays exactly: same seed, same frames.
 * None of them may start a build: a start either has a bad run id, an exercise that does not exist
 * or a Dockerfile over the cap. Test-only.
 */
import { PROTOCOL_LIMITS, type ErrorCode } from "../../lib/protocol";

export type FuzzFrame = {
  kind: string;
  data: string | Buffer;
  binary: boolean;
  /** The error the runner must answer with, and the run id it must tie it to (null: none). */
  expect: { code: ErrorCode; runId: string | null };
};

/** mulberry32: a small, fast PRNG with a 32-bit seed. */
export function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  const int = (max: number) => Math.floor(next() * max);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)]!;
  const uuid = () => {
    const hex = Array.from({ length: 32 }, () => int(16).toString(16)).join("");
    const variant = "89ab"[int(4)];
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  };
  return { next, int, pick, uuid };
}

type Rng = ReturnType<typeof prng>;
/** The runner's limits a frame's expected answer depends on (SANDBOX_LIMITS.socket). */
export type FrameLimits = { maxFrameBytes: number; maxJsonDepth: number };

/** Exercise ids that look plausible and name nothing (the fixture course has `runner/hello`). */
const NO_SUCH_EXERCISES = [
  "runner/nope",
  "../../../etc/passwd",
  "runner/hello/../../x",
  "runner/../runner/hello",
  "runner",
  "/",
  "runner//hello",
  " runner/hello",
  "RUNNER/HELLO",
  "runner/hello\u0000",
  "__proto__/constructor",
  "constructor/prototype",
  "runner/__proto__",
  "%2e%2e/%2e%2e",
  "runner/hello\nrunner/hello",
];
const BAD_RUN_IDS: unknown[] = [
  "",
  "1; DROP TABLE Submission",
  "../x",
  "00000000-0000-0000-0000-00000000000",
  "not-a-uuid-at-all-but-36-characters!",
  " 3b241101-e2bb-4255-8caf-4136c566a962",
  "3b241101-e2bb-4255-8caf-4136c566a962\n",
  42,
  null,
  true,
  [],
  {},
  { $gt: "" },
];
const UNKNOWN_TYPES = ["START", "start ", "Start", "cancel\u0000", "run", "exec", "__proto__", "constructor", "toString", "", "ping", "subscribe"];
const TINY_DOCKERFILE = "FROM stagecraft/busybox:1.35\n";

const invalid = (runId: string | null = null) => ({ code: "invalid_message" as const, runId });
const text = (kind: string, data: string, expect: FuzzFrame["expect"]): FuzzFrame => ({ kind, data, binary: false, expect });

function randomString(rng: Rng, length: number): string {
  let s = "";
  for (let i = 0; i < length; i += 1) {
    const r = rng.next();
    // Mostly JSON's own punctuation and ASCII, some control characters, some of the rest of Unicode.
    if (r < 0.3) s += rng.pick(['{', '}', '[', ']', '"', ':', ',', '\\', "0", "-", "e", "n", "t"]);
    else if (r < 0.8) s += String.fromCharCode(32 + rng.int(95));
    else if (r < 0.9) s += String.fromCharCode(rng.int(32));
    else s += String.fromCodePoint(0x80 + rng.int(0xd7ff - 0x80));
  }
  return s;
}

/** JSON nested `levels` deep: arrays or objects around a scalar, or around `{}` (one level more). */
function nested(rng: Rng, levels: number): { json: string; depth: number } {
  const [open, close] = rng.pick([
    ["[", "]"],
    ['{"a":', "}"],
    ['{"type":', "}"],
  ] as const);
  const inner = rng.pick(["1", "null", '"x"', '"[{"', "{}"]);
  return { json: open.repeat(levels) + inner + close.repeat(levels), depth: levels + (inner === "{}" ? 1 : 0) };
}

const start = (runId: unknown, exerciseId: unknown, dockerfile: unknown = TINY_DOCKERFILE) => ({
  type: "start",
  runId,
  exerciseId,
  files: { Dockerfile: dockerfile },
});

/** Around the runner's depth limit as often as far beyond it. */
const depth = (rng: Rng, limits: FrameLimits) => (rng.next() < 0.5 ? 1 + rng.int(limits.maxJsonDepth + 8) : 1 + rng.int(20_000));

/** One generator per family of abuse; each frame says what the runner must answer. */
const FAMILIES: ((rng: Rng, limits: FrameLimits) => FuzzFrame)[] = [
  // Random bytes, as a binary frame (text frames must be UTF-8: see the 1007 test).
  (rng) => ({ kind: "random-bytes", data: Buffer.from(Array.from({ length: rng.int(2_000) }, () => rng.int(256))), binary: true, expect: invalid() }),
  // A perfectly good start, but binary.
  (rng) => ({ kind: "binary-start", data: Buffer.from(JSON.stringify(start(rng.uuid(), "runner/nope"))), binary: true, expect: invalid() }),
  (rng) => text("random-text", randomString(rng, rng.int(600)), invalid()),
  (rng) => {
    const full = JSON.stringify(start(rng.uuid(), rng.pick(NO_SUCH_EXERCISES)));
    return text("truncated-json", full.slice(0, rng.int(full.length - 1)), invalid());
  },
  (rng) => text("json-scalar", rng.pick(["null", "true", "0", "-1e999", '"start"', "[]", '[{"type":"start"}]', "{}", '""']), invalid()),
  (rng) => {
    const runId = rng.uuid();
    const field = rng.pick(["type", "runId", "exerciseId", "files", "Dockerfile"] as const);
    const wrong = rng.pick<unknown>([42, null, true, [], {}, ["FROM x"], { toString: "x" }]);
    const message: Record<string, unknown> = start(runId, "runner/nope");
    if (field === "Dockerfile") message.files = { Dockerfile: wrong };
    else message[field] = wrong;
    return text("wrong-type", JSON.stringify(message), invalid(field === "runId" ? null : runId));
  },
  (rng) => {
    const runId = rng.uuid();
    return text("unknown-type", JSON.stringify({ type: rng.pick(UNKNOWN_TYPES), runId }), invalid(runId));
  },
  (rng) => text("missing-fields", JSON.stringify({ type: rng.pick(["start", "cancel"]) }), invalid()),
  (rng, limits) => text("deep-nesting", nested(rng, depth(rng, limits)).json, invalid()),
  (rng, limits) => {
    const runId = rng.uuid();
    const dockerfile = nested(rng, depth(rng, limits));
    // Two levels for the message and its `files`. Nested too deep, the frame is refused unread,
    // so its run id is not known.
    const answer = invalid(2 + dockerfile.depth > limits.maxJsonDepth ? null : runId);
    return text("deep-dockerfile", `{"type":"start","runId":"${runId}","exerciseId":"runner/nope","files":{"Dockerfile":${dockerfile.json}}}`, answer);
  },
  // Keys that pollute prototypes in naive merges; the frames are otherwise valid and name no run.
  (rng) => {
    const runId = rng.uuid();
    const key = rng.pick(["__proto__", "constructor", "prototype"]);
    const payload = key === "constructor" ? { prototype: { polluted: "yes" } } : { polluted: "yes", type: "start" };
    return text("pollution-cancel", `{"${key}":${JSON.stringify(payload)},"type":"cancel","runId":"${runId}"}`, invalid(runId));
  },
  (rng) => {
    const runId = rng.uuid();
    return text(
      "pollution-start",
      `{"type":"start","runId":"${runId}","__proto__":{"polluted":"yes"},"exerciseId":"${rng.pick(["runner/nope", "__proto__/x"])}","files":{"Dockerfile":"FROM x","constructor":{"prototype":{"polluted":"yes"}}}}`,
      { code: "unknown_exercise", runId },
    );
  },
  (rng) => {
    const runId = rng.uuid();
    // `files` has only an own `__proto__` key: no Dockerfile, whatever its prototype says.
    return text("pollution-files", `{"type":"start","runId":"${runId}","exerciseId":"runner/hello","files":{"__proto__":{"Dockerfile":"FROM x"}}}`, invalid(runId));
  },
  (rng) => text("bad-run-id-start", JSON.stringify(start(rng.pick(BAD_RUN_IDS), "runner/hello")), invalid()),
  (rng) => text("bad-run-id-cancel", JSON.stringify({ type: "cancel", runId: rng.pick(BAD_RUN_IDS) }), invalid()),
  (rng) => {
    const runId = rng.uuid();
    return text("unknown-exercise", JSON.stringify(start(runId, rng.pick(NO_SUCH_EXERCISES))), { code: "unknown_exercise", runId });
  },
  (rng) => {
    const runId = rng.uuid();
    return text("long-exercise-id", JSON.stringify(start(runId, "runner/".repeat(30 + rng.int(1_000)))), invalid(runId));
  },
  (rng) => {
    const runId = rng.uuid();
    return text("cancel-unknown-run", JSON.stringify({ type: "cancel", runId }), invalid(runId));
  },
  (rng) => {
    const runId = rng.uuid();
    return text("extra-fields", JSON.stringify({ ...start(runId, "runner/nope"), admin: true, privileged: true, buildargs: { A: "1" } }), {
      code: "unknown_exercise",
      runId,
    });
  },
];

/** Rare and large, so 10 000 frames stay a few dozen MB in all. */
const LARGE_FAMILIES: ((rng: Rng, limits: FrameLimits) => FuzzFrame)[] = [
  (rng, { maxFrameBytes: max }) => text("huge-string", JSON.stringify({ type: "x".repeat(max + rng.int(100_000)) }), { code: "frame_too_large", runId: null }),
  (rng, { maxFrameBytes: max }) =>
    text("huge-dockerfile", JSON.stringify(start(rng.uuid(), "runner/hello", "RUN x\n".repeat(max / 6 + rng.int(10_000)))), { code: "frame_too_large", runId: null }),
  (rng) => {
    const runId = rng.uuid();
    const length = PROTOCOL_LIMITS.maxDockerfileBytes + 1 + rng.int(100_000);
    return text("dockerfile-over-cap", JSON.stringify(start(runId, rng.pick(["runner/hello", "runner/nope"]), "#".repeat(length))), {
      code: "dockerfile_invalid",
      runId,
    });
  },
  (rng, { maxFrameBytes: max }) => ({ kind: "huge-binary", data: Buffer.alloc(max + 1 + rng.int(50_000), rng.int(256)), binary: true, expect: { code: "frame_too_large", runId: null } }),
];

/** `count` frames from `seed`; about one in a hundred is large. */
export function fuzzFrames(seed: number, count: number, limits: FrameLimits): FuzzFrame[] {
  const rng = prng(seed);
  return Array.from({ length: count }, () => rng.pick(rng.next() < 0.01 ? LARGE_FAMILIES : FAMILIES)(rng, limits));
}
