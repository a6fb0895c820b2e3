// The routes, kept apart from the server so they are plain functions of (method, url).
export type Reply = { status: number; body: Record<string, unknown> };

const startedAt = Date.now();

export function route(method: string, url: string): Reply {
  const path = url.split("?")[0];
  if (method !== "GET") return { status: 405, body: { error: "only GET is served here" } };
  switch (path) {
    case "/health":
      return { status: 200, body: { status: "ok", uptimeSeconds: Math.round((Date.now() - startedAt) / 1000) } };
    case "/":
      return { status: 200, body: { message: "Hello from a multi-stage TypeScript build", node: process.version } };
    default:
      return { status: 404, body: { error: `no route for ${path}` } };
  }
}
