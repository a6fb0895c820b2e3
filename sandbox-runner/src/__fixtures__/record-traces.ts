/**
 * Re-records the build-stream fixtures from the real engine:
 *   npx tsx sandbox-runner/src/__fixtures__/record-traces.ts
 * Each fixture is the raw JSON-lines body of `POST /build?version=2`, byte for byte, so the
 * decoder and step-tracker unit tests run on what the engine really sends. Needs
 * `stagecraft/busybox:1.35` (npm run images:prepare).
 */
import { writeFile } from "node:fs/promises";
import http from "node:http";
import path from "node:path";
import { makeBuildContext } from "../build-context";
import { buildQuery } from "../build-backend";

const SOCKET = process.env.DOCKER_SOCKET ?? "/var/run/docker.sock";
const here = path.dirname(new URL(import.meta.url).pathname);

// A unique marker busts the cache for the "cold" recording without `nocache`.
const marker = `cold-${Date.now()}`;
const MULTI_STAGE = `FROM stagecraft/busybox:1.35 AS builder
RUN echo "${marker}" > /marker && echo compiling; printf 'caf\\xc3\\xa9 \\033[31mred\\033[0m\\n' ; echo to-stderr >&2
RUN printf 'no newline at end'
FROM stagecraft/busybox:1.35
COPY --from=builder /marker /marker
CMD ["cat", "/marker"]
`;
const FAILING = `FROM stagecraft/busybox:1.35
RUN echo "${marker}"; echo about to fail; ls /nope
`;

function record(dockerfile: string, tag: string): Promise<string> {
  return makeBuildContext({ dir: here, contextFiles: [] }, dockerfile).then(
    (tar) =>
      new Promise((resolve, reject) => {
        const query = new URLSearchParams(buildQuery(tag)).toString();
        const req = http.request(
          { socketPath: SOCKET, method: "POST", path: `/build?${query}`, headers: { "Content-Type": "application/x-tar" } },
          (res) => {
            let body = "";
            res.setEncoding("utf8");
            res.on("data", (c: string) => (body += c));
            res.on("end", () => resolve(body));
          },
        );
        req.on("error", reject);
        req.end(tar);
      }),
  );
}

const fixtures: [string, string, string][] = [
  ["multi-stage.jsonl", MULTI_STAGE, "stagecraft-fixture:multi"],
  ["multi-stage-cached.jsonl", MULTI_STAGE, "stagecraft-fixture:multi"],
  ["failing-run.jsonl", FAILING, "stagecraft-fixture:fail"],
];
for (const [file, dockerfile, tag] of fixtures) {
  const body = await record(dockerfile, tag);
  await writeFile(path.join(here, file), body);
  console.log(`${file}: ${body.split("\n").filter(Boolean).length} lines`);
}
