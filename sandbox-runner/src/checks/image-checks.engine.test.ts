/**
 * The image checks passing and failing on small images built here with BuildKit, graded the way a
 * learner's run is (real image report, real Dockerfile model), and leaving no container behind.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { CheckSpec, type CheckResult } from "../../../lib/checks";
import { analyzeDockerfile } from "../../../lib/dockerfile/index";
import { RUN_LABEL, withService } from "../container-run";
import { buildImageReport } from "../image-report";
import { SANDBOX_LIMITS } from "../limits";
import { PROBE_OF_LABEL, pollHttp, withHttpProbe } from "./http-probe";
import { runChecks, type CheckContext } from "./index";
import { DEBIAN, imageExists, testDocker, testImages } from "./test-images";

const docker = testDocker();
const images = testImages(docker);
/** Every image this file graded: no container of theirs (or probing them) may outlive a test. */
const graded: string[] = [];
let bb = "";

async function contextFor(dockerfile: string): Promise<CheckContext> {
  const { tag, steps } = await images.build(dockerfile);
  graded.push(tag);
  const model = analyzeDockerfile(dockerfile);
  const report = await buildImageReport(docker, tag, model, steps);
  return { docker, imageRef: tag, report, build: { ok: true, imageId: tag, buildMs: 1_000, steps }, model, linkBase: "/lessons/security" };
}

/** A catalog image graded as it is (no build): its model is one stage FROM itself. */
function catalogContext(ref: string): CheckContext {
  graded.push(ref);
  const model = analyzeDockerfile(`FROM ${ref}`);
  return { docker, imageRef: ref, report: null, build: { ok: true, imageId: ref, buildMs: 0, steps: [] }, model, linkBase: "/lessons/security" };
}

const check = async (ctx: CheckContext, spec: Record<string, unknown>): Promise<CheckResult> => {
  const parsed = CheckSpec.parse({ id: "c", title: "T", hint: "H", ...spec });
  const [result] = await runChecks(ctx, [parsed]);
  if (!result) throw new Error("no result");
  return result;
};

let server: CheckContext;
let crash: CheckContext;

beforeAll(async () => {
  bb = await images.busybox();
  // BusyBox httpd as the non-root user, its content copied from a stage; a HEALTHCHECK with the
  // engine's default 30 s interval, which grading must not wait for.
  server = await contextFor(
    [
      `FROM ${bb} AS content`,
      `RUN mkdir -p /www && echo ok > /www/health`,
      `FROM ${bb}`,
      `COPY --from=content --chown=65532:65532 /www /www`,
      `USER app`,
      `HEALTHCHECK CMD wget -q -O /dev/null http://127.0.0.1:8080/health || exit 1`,
      `CMD ["httpd", "-f", "-p", "8080", "-h", "/www"]`,
    ].join("\n"),
  );
  crash = await contextFor(`FROM ${bb}\nCMD ["sh", "-c", "echo 'config missing: boom' >&2; exit 3"]`);
});
afterAll(() => images.cleanup());

afterEach(async () => {
  const left = await docker.listContainers({ all: true, filters: { label: [RUN_LABEL] } });
  const ours = left.filter((c) => graded.includes(c.Image) || graded.includes(c.Labels[PROBE_OF_LABEL] ?? ""));
  expect(ours.map((c) => `${c.Image} ${c.Labels["stagecraft.purpose"]}`)).toEqual([]);
});

describe("health-probe", () => {
  it("passes when the app answers its health route over the probe's shared loopback", async () => {
    const result = await check(server, { kind: "health-probe", port: 8080, bodyIncludes: "ok" });
    expect(result).toMatchObject({ status: "pass" });
    expect(result.message).toMatch(/^GET \/health on port 8080 answered 200 OK with "ok" in the body, \d+\.\d s after the container started$/);
  });

  it("fails with what it saw: a refused port, a wrong status, a body without the text", async () => {
    expect(await check(server, { kind: "health-probe", port: 9090, timeoutMs: 1_500 })).toMatchObject({
      status: "fail",
      message: "nothing answered GET /health on port 9090 within 1.5 s: the connection was refused, so nothing listens on port 9090 inside the container",
    });
    expect(await check(server, { kind: "health-probe", port: 8080, path: "/missing" })).toMatchObject({
      status: "fail",
      message: "GET /missing on port 8080 answered 404 Not Found; expected 200",
    });
    expect(await check(server, { kind: "health-probe", port: 8080, bodyIncludes: "healthy" })).toMatchObject({
      status: "fail",
      message: 'GET /health on port 8080 answered 200 OK, but the body did not include "healthy"; it was "ok"',
    });
  });

  it("fails when the app exits, quoting its error output", async () => {
    const result = await check(crash, { kind: "health-probe", port: 8080 });
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(/^the app exited with code 3 after \d+\.\d s before GET \/health on port 8080 answered; its last error output was "config missing: boom"$/);
  });

  it("waits for the image's own HEALTHCHECK, and fails an image without one or an unhealthy one", async () => {
    const healthy = await check(server, { kind: "health-probe", mode: "healthcheck", timeoutMs: 10_000 });
    expect(healthy.message).toMatch(/^the HEALTHCHECK reported healthy \d+\.\d s after the container started$/);
    expect(healthy.status).toBe("pass");
    expect(await check(crash, { kind: "health-probe", mode: "healthcheck" })).toMatchObject({
      status: "fail",
      message: "the image has no HEALTHCHECK, so the engine has no health status to report",
    });
    const wrongPort = await contextFor(`FROM ${server.imageRef}\nHEALTHCHECK CMD wget -q -O /dev/null http://127.0.0.1:9999/health || exit 1`);
    const unhealthy = await check(wrongPort, { kind: "health-probe", mode: "healthcheck", timeoutMs: 10_000 });
    expect(unhealthy.status).toBe("fail");
    expect(unhealthy.message).toMatch(/^the HEALTHCHECK reported unhealthy after 3 failed checks; the last check exited with code 1 and printed ".*Connection refused"$/);
  });
});

describe("read-only-run", () => {
  let writer: CheckContext;
  beforeAll(async () => {
    writer = await contextFor(
      [`FROM ${bb}`, `RUN mkdir -p /www /app/cache && echo ok > /www/health`, `CMD ["sh", "-c", "echo warm > /app/cache/state && exec httpd -f -p 8080 -h /www"]`].join("\n"),
    );
  });

  it("passes a server that stays up and answers, and a CLI that exits 0", async () => {
    expect(await check(server, { kind: "read-only-run", stayUpMs: 1_000, port: 8080 })).toMatchObject({
      status: "pass",
      message: "the server stayed up with a read-only root filesystem (only /tmp is writable) and GET /health on port 8080 answered 200 OK",
    });
    const cli = await contextFor(`FROM ${bb}\nCMD ["echo", "done"]`);
    expect(await check(cli, { kind: "read-only-run" })).toMatchObject({
      status: "pass",
      message: "the program ran with a read-only root filesystem (only /tmp is writable) and exited with code 0",
    });
  });

  it("fails a program that exits with an error, quoting it", async () => {
    expect(await check(crash, { kind: "read-only-run" })).toMatchObject({
      status: "fail",
      message: expect.stringMatching(
        /^the program exited with code 3 after \d+\.\d s with a read-only root filesystem \(only \/tmp is writable\); its last error output was "config missing: boom"$/,
      ),
    });
  });

  it("fails a program that writes outside its tmpfs, naming the path", async () => {
    const result = await check(writer, { kind: "read-only-run", port: 8080 });
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(
      /^the program exited with code 1 after \d+\.\d s: it tried to write to \/app\/cache\/state, but the root filesystem is read-only \(only \/tmp is writable\); its last error output was "sh: can't create \/app\/cache\/state: Read-only file system"$/,
    );
  });

  it("passes the same program when the exercise gives it a tmpfs where it writes", async () => {
    expect(await check(writer, { kind: "read-only-run", tmpfs: ["/tmp", "/app/cache"], stayUpMs: 1_000, port: 8080 })).toMatchObject({ status: "pass" });
  });
});

describe("secret-scan", () => {
  const planted = "sk_test_planted_42";
  const values = ["npm_s3cr3t_value", "k3y-value-123", planted];

  it("finds build args, ENV, a planted value and a secret file without printing a value", async () => {
    const ctx = await contextFor(
      [
        `FROM ${bb}`,
        `ARG NPM_TOKEN=npm_s3cr3t_value`,
        `RUN test -n "$NPM_TOKEN" && mkdir /app && echo "STRIPE=${planted}" > /app/.env`,
        `ENV API_KEY=k3y-value-123`,
        `LABEL org.example.note="${planted}"`,
        `CMD ["echo", "hi"]`,
      ].join("\n"),
    );
    const result = await check(ctx, { kind: "secret-scan", values: [planted], paths: ["/app/.env", "/app/.npmrc"] });
    expect(result.status).toBe("fail");
    for (const value of values) expect(result.message).not.toContain(value);
    expect(result.message).toMatch(/NPM_TOKEN=\*\*\*\* in history step \d+ of \d+ \(ARG NPM_TOKEN=…\), history step \d+ of \d+ \(a build arg of RUN test -n "\$NPM_TOKEN" && mkdir \/app && echo "STRIPE=\*\*\*\*" > \/app\/\.…\)/);
    expect(result.message).toMatch(/API_KEY=\*\*\*\* in config Env API_KEY, history step \d+ of \d+ \(ENV API_KEY=…\)/);
    expect(result.message).toMatch(/the exercise's secret value in config label org\.example\.note, history step \d+ of \d+ \(RUN test/);
    expect(result.message).toMatch(/\/app\/\.env is in the image\. Anyone with the image can read them$/);
  });

  it("passes an image with no secrets", async () => {
    const ctx = await contextFor(`FROM ${bb}\nENV APP_MODE=production TOKEN_FILE=/run/secrets/token\nCMD ["echo", "hi"]`);
    const result = await check(ctx, { kind: "secret-scan", values: [planted], paths: ["/app/.env"] });
    expect(result).toMatchObject({ status: "pass" });
    expect(result.message).toMatch(/^no secret-looking variables or the exercise's secret value in the image config or its \d+ history steps; not in the image: \/app\/\.env$/);
  });
});

describe("toolchains-absent", () => {
  it("finds BusyBox's shell, but not a package manager in its dpkg applet", async () => {
    const result = await check(server, { kind: "toolchains-absent", toolchains: ["shell", "package-manager"] });
    expect(result.status).toBe("fail");
    expect(result.message).toMatch(/^found in the final image: a shell \(\/bin\/sh → busybox, /);
    expect(result.detail).toEqual({ type: "table", columns: ["toolchain", "found at"], rows: [["a shell", expect.stringContaining("/bin/busybox")], ["a package manager", "not found"]] });
  });

  it("passes a distroless-style image holding one binary", async () => {
    const ctx = await contextFor(`FROM ${bb} AS b\nFROM scratch\nCOPY --from=b /bin/busybox /app/tool\nUSER 65532\nENTRYPOINT ["/app/tool"]`);
    const result = await check(ctx, { kind: "toolchains-absent", toolchains: ["shell", "package-manager", "c", "go"] });
    expect(result).toMatchObject({ status: "pass" });
    expect(result.message).toMatch(/^none in the final image \(\d+ files and folders searched\): a shell, a package manager, a C compiler, the Go toolchain$/);
  });

  it("finds Node build tools and Go without mistaking the Node runtime for them", async () => {
    const ctx = await contextFor(
      [
        `FROM ${bb}`,
        `RUN mkdir -p /usr/local/lib/node_modules/npm/bin /app/node_modules/typescript/bin /app/node_modules/express /usr/local/go/bin /usr/local/bin` +
          ` && touch /usr/local/bin/node /usr/local/lib/node_modules/npm/bin/npm-cli.js /app/node_modules/typescript/bin/tsc /usr/local/go/bin/go` +
          ` && ln -s ../lib/node_modules/npm/bin/npm-cli.js /usr/local/bin/npm`,
      ].join("\n"),
    );
    const result = await check(ctx, { kind: "toolchains-absent", toolchains: ["node-build", "go", "rust"] });
    expect(result).toMatchObject({ status: "fail", message: "found in the final image: Node build tools (/app/node_modules/typescript); the Go toolchain (/usr/local/go)" });
    expect(await check(ctx, { kind: "toolchains-absent", toolchains: ["package-manager"] })).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/^found in the final image: a package manager \((\/usr\/local\/lib\/node_modules\/npm|\/usr\/local\/bin\/npm), /),
    });
  });

  it("finds gcc, cc1 and the C headers in the gcc image, and the package manager in Debian", async () => {
    const gcc = catalogContext("stagecraft/gcc:12");
    const c = await check(gcc, { kind: "toolchains-absent", toolchains: ["c", "rust"] });
    expect(c.status).toBe("fail");
    expect(c.message).toMatch(/^found in the final image: a C compiler \(/);
    expect(c.detail?.type === "table" && c.detail.rows).toEqual([["a C compiler", expect.stringMatching(/and more$/)], ["the Rust toolchain", "not found"]]);
    if (!(await imageExists(docker, DEBIAN))) return;
    const debian = await check(catalogContext(DEBIAN), { kind: "toolchains-absent", toolchains: ["package-manager"] });
    expect(debian.message).toMatch(/\/usr\/bin\/(apt|apt-get|dpkg)/);
  });
});

describe("file-owner", () => {
  it("passes by name through the image's /etc/passwd and /etc/group, and by number", async () => {
    expect(await check(server, { kind: "file-owner", path: "/www/health", user: "app", group: "app" })).toMatchObject({
      status: "pass",
      message: "/www/health is owned by 65532:65532 (app:app)",
    });
    expect(await check(server, { kind: "file-owner", path: "/www", user: "65532" })).toMatchObject({ status: "pass" });
  });

  it("fails a root-owned file, a user the image does not define and a missing path", async () => {
    expect(await check(server, { kind: "file-owner", path: "/bin/busybox", user: "app" })).toMatchObject({
      status: "fail",
      message: "/bin/busybox is owned by 0:0 (root:root); expected user app (65532)",
    });
    expect(await check(server, { kind: "file-owner", path: "/www/health", user: "node", group: "65532" })).toMatchObject({
      status: "fail",
      message: "/www/health is owned by 65532:65532 (app:app); expected user node, which the image's /etc/passwd does not define",
    });
    expect(await check(server, { kind: "file-owner", path: "/app/server.js", user: "app" })).toMatchObject({
      status: "fail",
      message: "/app/server.js is not in the final image",
    });
  });
});

describe("copy-from-edges", () => {
  it("passes the named stage and its edge into the final stage, and fails byIndex for a copy by name", async () => {
    expect(await check(server, { kind: "copy-from-edges", stageNames: ["content"], edges: [{ from: "content" }] })).toMatchObject({
      status: "pass",
      message: 'stage "content" exists; the final stage copies from stage "content" (line 4, --from=content)',
    });
    expect(await check(server, { kind: "copy-from-edges", edges: [{ from: "0" }], byIndex: true })).toMatchObject({
      status: "fail",
      message:
        'line 4 copies from stage "content" by name (--from=content); this exercise asks for its number: --from=0; the COPY --from lines are: line 4, --from=content into the final stage',
    });
    expect(await check(server, { kind: "copy-from-edges", stageNames: ["builder"] })).toMatchObject({ status: "fail" });
  });

  it("fails an edge into a stage BuildKit skipped and passes a numbered edge it built", async () => {
    const ctx = await contextFor([`FROM ${bb} AS a`, `RUN echo a > /a`, `FROM ${bb} AS unused`, `COPY --from=a /a /a`, `FROM ${bb}`, `COPY --from=0 /a /a`].join("\n"));
    expect(ctx.report?.stages.map((s) => s.built)).toEqual([true, false, true]);
    expect(await check(ctx, { kind: "copy-from-edges", edges: [{ from: "a", to: "unused" }] })).toMatchObject({
      status: "fail",
      message: expect.stringMatching(/^stage "unused" copies from stage "a" \(line 4\), but BuildKit skipped stage "unused": the final image does not use it;/),
    });
    expect(await check(ctx, { kind: "copy-from-edges", edges: [{ from: "a", to: "final" }], byIndex: true })).toMatchObject({ status: "pass" });
  });
});

describe("the probe container", () => {
  it("shares only the app's loopback and is as locked down as the app", async () => {
    const image = server.imageRef ?? "";
    const seen = await withService(
      docker,
      image,
      {},
      (service) =>
        withHttpProbe(docker, service, image, async (probe) => {
          const answer = await pollHttp(probe, service, { port: 8080, path: "/health", deadline: Date.now() + 5_000, accept: () => true, settleMs: 0 });
          expect(answer).toMatchObject({ kind: "accepted", attempt: { status: 200 } });
          const [info] = await docker.listContainers({ filters: { label: [`${PROBE_OF_LABEL}=${image}`] } });
          return { app: service.container.id, probe: (await docker.getContainer(info?.Id ?? "").inspect()).HostConfig };
        }),
      () => null,
    );
    expect(seen?.probe).toMatchObject({
      NetworkMode: `container:${seen?.app}`,
      ReadonlyRootfs: true,
      CapDrop: ["ALL"],
      SecurityOpt: ["no-new-privileges"],
      PidsLimit: SANDBOX_LIMITS.container.pids,
      Memory: SANDBOX_LIMITS.container.memoryBytes,
    });
  });
});

describe("withService", () => {
  it("removes the container when the check using it throws", async () => {
    const image = server.imageRef ?? "";
    let id = "";
    await expect(
      withService(
        docker,
        image,
        {},
        async (service) => {
          id = service.container.id;
          expect((await service.container.inspect()).State.Running).toBe(true);
          throw new Error("check blew up");
        },
        () => "not started",
      ),
    ).rejects.toThrow("check blew up");
    await expect(docker.getContainer(id).inspect()).rejects.toMatchObject({ statusCode: 404 });
  });
});
