// The service: an HTTP server on Node's own http module.
// Every response carries a request id made by nanoid, our one production dependency.
import { createServer } from "node:http";
import { nanoid } from "nanoid";
import { route } from "./routes.js";

const port = Number(process.env.PORT ?? 8080);

const server = createServer((req, res) => {
  const requestId = nanoid(12);
  const { status, body } = route(req.method ?? "GET", req.url ?? "/");
  res.writeHead(status, { "content-type": "application/json", "x-request-id": requestId });
  res.end(JSON.stringify(body) + "\n");
  console.log(`${requestId} ${req.method} ${req.url} ${status}`);
});

server.listen(port, () => {
  console.log(`status-service listening on port ${port} as uid ${process.getuid?.() ?? "?"}`);
});

// With an exec-form CMD, node is process 1 and receives the stop signal itself. Process 1 gets
// no default signal handling from the kernel, so without these handlers `docker stop` would
// wait ten seconds and then kill the container.
for (const signal of ["SIGTERM", "SIGINT"] as const) {
  process.on(signal, () => {
    console.log(`${signal} received, closing the server`);
    server.close(() => process.exit(0));
  });
}
