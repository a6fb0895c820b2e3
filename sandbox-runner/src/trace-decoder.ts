/**
 * Decodes the JSON-lines stream of `POST /build?version=2` into plain typed events.
 *
 * BuildKit progress arrives as `{"id":"moby.buildkit.trace","aux":"<base64>"}` where the aux is a
 * protobuf `moby.buildkit.v1.StatusResponse` (DESIGN.md §2). The message definitions below are
 * written by hand from BuildKit's `control.proto` (field numbers only; unknown fields such as
 * Vertex.progressGroup or VertexWarning.info are skipped by the decoder), so no .proto file is
 * fetched at run time and dockerode's lossy `followProgress` is never involved.
 */
import { StringDecoder } from "node:string_decoder";
import protobuf from "protobufjs";
import { z } from "zod";

const CONTROL_PROTO = `
syntax = "proto3";
package moby.buildkit.v1;

message Timestamp { int64 seconds = 1; int32 nanos = 2; }

message StatusResponse {
  repeated Vertex vertexes = 1;
  repeated VertexStatus statuses = 2;
  repeated VertexLog logs = 3;
  repeated VertexWarning warnings = 4;
}

message Vertex {
  string digest = 1;
  repeated string inputs = 2;
  string name = 3;
  bool cached = 4;
  Timestamp started = 5;
  Timestamp completed = 6;
  string error = 7;
}

message VertexStatus {
  string ID = 1;
  string vertex = 2;
  string name = 3;
  int64 current = 4;
  int64 total = 5;
  Timestamp timestamp = 6;
  Timestamp started = 7;
  Timestamp completed = 8;
}

message VertexLog {
  string vertex = 1;
  Timestamp timestamp = 2;
  int64 stream = 3;
  bytes msg = 4;
}

message VertexWarning {
  string vertex = 1;
  int64 level = 2;
  bytes short = 3;
  repeated bytes detail = 4;
  string url = 5;
}
`;

const StatusResponseType = protobuf
  .parse(CONTROL_PROTO, { keepCase: true })
  .root.lookupType("moby.buildkit.v1.StatusResponse");

/** Times are epoch milliseconds (BuildKit sends nanosecond precision; ms is plenty for a UI). */
export type TraceVertex = {
  digest: string;
  inputs: string[];
  name: string;
  cached: boolean;
  started?: number;
  completed?: number;
  error?: string;
};
export type TraceStatus = {
  id: string;
  vertex: string;
  name: string;
  current: number;
  total: number;
  timestamp?: number;
  started?: number;
  completed?: number;
};
/** `msg` is a raw chunk of the step's output, not a line; it may split a UTF-8 character. */
export type TraceLog = { vertex: string; timestamp?: number; stream: "stdout" | "stderr"; msg: Buffer };
export type TraceWarning = { vertex: string; level: number; short: string; detail: string[]; url?: string };
export type StatusUpdate = {
  vertexes: TraceVertex[];
  statuses: TraceStatus[];
  logs: TraceLog[];
  warnings: TraceWarning[];
};

type RawTimestamp = { seconds?: number; nanos?: number } | undefined;
const toMs = (t: RawTimestamp): number | undefined =>
  t ? (t.seconds ?? 0) * 1000 + Math.floor((t.nanos ?? 0) / 1e6) : undefined;

// Shape of `toObject(…, { longs: Number, bytes: Buffer })` output; proto3 omits default values.
type RawStatus = {
  vertexes?: { digest?: string; inputs?: string[]; name?: string; cached?: boolean; started?: RawTimestamp; completed?: RawTimestamp; error?: string }[];
  statuses?: { ID?: string; vertex?: string; name?: string; current?: number; total?: number; timestamp?: RawTimestamp; started?: RawTimestamp; completed?: RawTimestamp }[];
  logs?: { vertex?: string; timestamp?: RawTimestamp; stream?: number; msg?: Uint8Array }[];
  warnings?: { vertex?: string; level?: number; short?: Uint8Array; detail?: Uint8Array[]; url?: string }[];
};

const asBuffer = (b: Uint8Array | undefined) => (b ? Buffer.from(b.buffer, b.byteOffset, b.byteLength) : Buffer.alloc(0));

/** Decodes one `moby.buildkit.trace` aux payload (base64 protobuf). Throws on malformed input. */
export function decodeStatusResponse(aux: string): StatusUpdate {
  const message = StatusResponseType.decode(Buffer.from(aux, "base64"));
  const raw = StatusResponseType.toObject(message, { longs: Number, arrays: true }) as RawStatus;
  return {
    vertexes: (raw.vertexes ?? []).map((v) => ({
      digest: v.digest ?? "",
      inputs: v.inputs ?? [],
      name: v.name ?? "",
      cached: v.cached ?? false,
      started: toMs(v.started),
      completed: toMs(v.completed),
      error: v.error || undefined,
    })),
    statuses: (raw.statuses ?? []).map((s) => ({
      id: s.ID ?? "",
      vertex: s.vertex ?? "",
      name: s.name ?? "",
      current: s.current ?? 0,
      total: s.total ?? 0,
      timestamp: toMs(s.timestamp),
      started: toMs(s.started),
      completed: toMs(s.completed),
    })),
    logs: (raw.logs ?? []).map((l) => ({
      vertex: l.vertex ?? "",
      timestamp: toMs(l.timestamp),
      // 2 is stderr in BuildKit's executor; anything else (1, or 0 when omitted) is stdout.
      stream: l.stream === 2 ? ("stderr" as const) : ("stdout" as const),
      msg: asBuffer(l.msg),
    })),
    warnings: (raw.warnings ?? []).map((w) => ({
      vertex: w.vertex ?? "",
      level: w.level ?? 0,
      short: asBuffer(w.short).toString("utf8"),
      detail: (w.detail ?? []).map((d) => asBuffer(d).toString("utf8")),
      url: w.url || undefined,
    })),
  };
}

/** One JSON line of the `/build` response, as the daemon sends it (wire data: parsed, not trusted). */
const BuildLine = z.object({
  id: z.string().optional(),
  aux: z.unknown().optional(),
  stream: z.string().optional(),
  error: z.string().optional(),
  errorDetail: z.object({ message: z.string().optional(), code: z.number().optional() }).optional(),
});
const ImageIdAux = z.object({ ID: z.string() });

export type BuildStreamEvent =
  | { kind: "trace"; update: StatusUpdate }
  | { kind: "image-id"; imageId: string }
  | { kind: "error"; message: string }
  | { kind: "stream"; text: string }
  | { kind: "ignored"; reason: string };

/** Turns one line of the build response into an event; never throws (bad lines are `ignored`). */
export function decodeBuildLine(line: string): BuildStreamEvent {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return { kind: "ignored", reason: "not JSON" };
  }
  const parsed = BuildLine.safeParse(json);
  if (!parsed.success) return { kind: "ignored", reason: "unexpected shape" };
  const l = parsed.data;
  if (l.errorDetail || l.error !== undefined) {
    return { kind: "error", message: l.errorDetail?.message ?? l.error ?? "build failed" };
  }
  if (l.id === "moby.buildkit.trace" && typeof l.aux === "string") {
    try {
      return { kind: "trace", update: decodeStatusResponse(l.aux) };
    } catch (err) {
      return { kind: "ignored", reason: `undecodable trace: ${(err as Error).message}` };
    }
  }
  if (l.id === "moby.image.id") {
    const aux = ImageIdAux.safeParse(l.aux);
    if (aux.success) return { kind: "image-id", imageId: aux.data.ID };
  }
  if (l.stream !== undefined) return { kind: "stream", text: l.stream };
  return { kind: "ignored", reason: `unhandled line${l.id ? ` (${l.id})` : ""}` };
}

/**
 * Splits a byte stream into lines incrementally. The daemon writes one JSON object per line, but
 * HTTP chunks cut anywhere, so a partial tail is kept until its newline arrives.
 */
export function createLineSplitter(onLine: (line: string) => void) {
  let tail = "";
  // A chunk boundary can also split a multi-byte character inside a `stream` line.
  const decoder = new StringDecoder("utf8");
  return {
    push(chunk: Buffer | string) {
      const text = tail + (typeof chunk === "string" ? chunk : decoder.write(chunk));
      const parts = text.split("\n");
      tail = parts.pop() ?? "";
      for (const p of parts) if (p.trim()) onLine(p);
    },
    end() {
      tail += decoder.end();
      if (tail.trim()) onLine(tail);
      tail = "";
    },
  };
}
