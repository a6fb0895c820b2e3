/**
 * Dev-only live reload: a Server-Sent Events stream that says "changed" whenever a file under
 * LESSONS_DIR changes, so an author's open lesson page refreshes itself (`LessonLiveReload`).
 * In production it does not exist (404): lessons are compiled at build time there.
 */
import path from "node:path";
import { env } from "@/app/app-env";
import { watchCourse } from "@/lib/lessons/watch-course";

export const dynamic = "force-dynamic";

export function GET(request: Request) {
  if (process.env.NODE_ENV !== "development") return new Response("Not found", { status: 404 });
  const dir = path.resolve(env.LESSONS_DIR);
  const encoder = new TextEncoder();
  let stop = () => {};
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      const send = (event: string, data: unknown) =>
        controller.enqueue(encoder.encode(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`));
      send("ready", { dir });
      const unwatch = watchCourse(dir, (change) => send("changed", change));
      // Comments keep proxies from closing an idle stream.
      const ping = setInterval(() => controller.enqueue(encoder.encode(": ping\n\n")), 25_000);
      stop = () => {
        clearInterval(ping);
        unwatch();
      };
      request.signal.addEventListener("abort", () => {
        stop();
        try {
          controller.close();
        } catch {
          // already closed by the client going away
        }
      });
    },
    cancel: () => stop(),
  });
  return new Response(stream, {
    headers: { "Content-Type": "text/event-stream", "Cache-Control": "no-store", Connection: "keep-alive" },
  });
}
