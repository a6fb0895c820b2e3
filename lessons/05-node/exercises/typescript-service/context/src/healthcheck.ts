// Used by the image's HEALTHCHECK: the runtime image has node but no curl or wget, so the probe
// is a few lines of node. Exit code 0 means healthy, 1 means unhealthy.
import { get } from "node:http";

const port = Number(process.env.PORT ?? 8080);

const request = get({ host: "127.0.0.1", port, path: "/health", timeout: 2000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
request.on("timeout", () => request.destroy(new Error("timed out")));
request.on("error", () => process.exit(1));
