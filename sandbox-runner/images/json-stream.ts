/**
 * The engine answers /build, /images/create and import with a stream of JSON lines; an error is a
 * line with `error`/`errorDetail` inside an HTTP 200, not a failed request.
 */
import { z } from "zod";

const EngineLine = z
  .object({
    stream: z.string().optional(),
    status: z.string().optional(),
    progress: z.string().optional(),
    id: z.string().optional(),
    error: z.string().optional(),
    errorDetail: z.object({ message: z.string().optional() }).optional(),
    aux: z.unknown().optional(),
  })
  .loose();
export type EngineLine = z.infer<typeof EngineLine>;

/** Calls `onLine` for each JSON line; rejects with the engine's message on an error line. */
export function readEngineStream(stream: NodeJS.ReadableStream, onLine: (line: EngineLine) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    let buffered = "";
    let failed: Error | null = null;
    const handle = (text: string) => {
      if (text.trim() === "") return;
      let parsed: EngineLine;
      try {
        parsed = EngineLine.parse(JSON.parse(text));
      } catch {
        parsed = { stream: `${text}\n` }; // not JSON: keep it visible rather than drop it
      }
      const message = parsed.errorDetail?.message ?? parsed.error;
      if (message !== undefined && failed === null) failed = new Error(message.trim());
      onLine(parsed);
    };
    stream.setEncoding("utf8");
    stream.on("data", (chunk: string) => {
      buffered += chunk;
      let newline = buffered.indexOf("\n");
      while (newline !== -1) {
        handle(buffered.slice(0, newline));
        buffered = buffered.slice(newline + 1);
        newline = buffered.indexOf("\n");
      }
    });
    stream.on("error", (err) => reject(err));
    stream.on("end", () => {
      handle(buffered);
      if (failed) reject(failed);
      else resolve();
    });
  });
}
