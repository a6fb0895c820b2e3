/**
 * What the toolchain and runtime images promise learners, proved the way a learner's build uses
 * them: BuildKit builds with `networkmode=none` (runBuild, the runner's own path), then containers
 * with no network. The images are used as `images:prepare` left them, never rebuilt here.
 *
 * Each build fails on its own when a promise is broken (a RUN that checks), and the test then reads
 * what the final image prints. A build BuildKit has cached is still a proof: its cache key covers
 * the catalog image, so an image rebuilt with different contents runs every step again.
 */
import { randomBytes } from "node:crypto";
import { chmod, mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runBuild, type BuildOutcome } from "../src/build-backend";
import { makeBuildContext } from "../src/build-context";
import { cleanupImage } from "../src/cleanup";
import { createDocker } from "../src/engine";
import { IMAGE_CATALOG } from "../../lib/image-catalog";
import { collectNpmLockfiles, REPO_ROOT } from "./npm-lockfiles";
import { LABELS, recipeHashes, RECIPES, RECIPES_DIR } from "./recipes";

const docker = createDocker(process.env.DOCKER_SOCKET ?? "/var/run/docker.sock");
const run = randomBytes(4).toString("hex");
const tags: string[] = [];
const dirs: string[] = [];

beforeAll(async () => {
  // Current images only: a stale one would prove nothing about the recipes in this tree.
  const hashes = await recipeHashes(RECIPES);
  for (const recipe of RECIPES) {
    const info = await docker
      .getImage(recipe.ref)
      .inspect()
      .catch(() => null);
    if (info === null) throw new Error(`${recipe.ref} is missing: run npm run images:prepare`);
    if (info.Config.Labels?.[LABELS.recipeHash] !== hashes.get(recipe.ref)) {
      throw new Error(`${recipe.ref} is older than its recipe: run npm run images:prepare`);
    }
  }
});

afterAll(async () => {
  for (const tag of tags) await cleanupImage(docker, tag);
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

type Built = { tag: string; outcome: BuildOutcome; log: string };

/** A learner-style build of `dockerfile` with `files` as the context (no network, no pull). */
async function build(dockerfile: string, files: Record<string, string | Buffer>): Promise<Built> {
  const dir = await mkdtemp(path.join(tmpdir(), "sc-catalog-"));
  dirs.push(dir);
  for (const [rel, data] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(dir, "context", rel)), { recursive: true });
    await writeFile(path.join(dir, "context", rel), data);
  }
  await mkdir(path.join(dir, "context"), { recursive: true });
  const tag = `stagecraft-test-catalog:${run}-${tags.length}`;
  tags.push(tag);
  let log = "";
  const outcome = await runBuild({
    docker,
    context: await makeBuildContext({ dir, contextFiles: Object.keys(files) }, dockerfile),
    tag,
    signal: new AbortController().signal,
    timeoutMs: 200_000,
    logCapBytes: 4 * 1024 * 1024,
    onStep: () => {},
    onLog: (e) => (log += e.chunk),
  });
  return { tag, outcome, log };
}

function expectBuilt(b: Built): void {
  expect(b.outcome.ok, b.outcome.ok ? "" : `${b.outcome.message}\n${b.log.slice(-3000)}`).toBe(true);
}

/** Runs `image` with no network; a start failure (no such program) is reported, not thrown. */
async function runIn(image: string, cmd?: string[]): Promise<{ exitCode: number; output: string }> {
  const container = await docker.createContainer({
    Image: image,
    ...(cmd === undefined ? {} : { Cmd: cmd }),
    Tty: true,
    HostConfig: { NetworkMode: "none" },
  });
  try {
    try {
      await container.start();
    } catch (err) {
      return { exitCode: -1, output: (err as Error).message };
    }
    const { StatusCode } = (await container.wait()) as { StatusCode: number };
    const logs = await container.logs({ stdout: true, stderr: true });
    return { exitCode: StatusCode, output: logs.toString("utf8").replace(/\r\n/g, "\n") };
  } finally {
    await container.remove({ force: true });
  }
}

/** Whether `file` exists in `image` (the archive API: works on images without a shell). */
async function hasPath(image: string, file: string): Promise<boolean> {
  const container = await docker.createContainer({ Image: image, Cmd: ["/nonexistent"] });
  try {
    const archive = await container.getArchive({ path: file }).catch((err: { statusCode?: number }) => {
      if (err.statusCode === 404) return null;
      throw err;
    });
    if (archive !== null) (archive as NodeJS.ReadableStream).resume();
    return archive !== null;
  } finally {
    await container.remove({ force: true });
  }
}

const sizeOf = async (ref: string) => (await docker.getImage(ref).inspect()).Size;
const MiB = 1024 * 1024;

describe("the catalog's promises about every image", () => {
  it("each image runs as the user the catalog says (lint trusts it: a :nonroot final stage is not root)", async () => {
    for (const entry of IMAGE_CATALOG) {
      const info = await docker.getImage(entry.ref).inspect();
      expect(info.Config.User ?? "", entry.ref).toBe(entry.user ?? "");
    }
  });
});

describe("stagecraft/node:18-slim and stagecraft/node:18", () => {
  const selftest = path.join(RECIPES_DIR, "node-18-slim/selftest");

  it("npm ci and npm ci --omit=dev install offline from the cache as USER node; an uncached package fails with ENOTCACHED", async () => {
    const b = await build(
      `FROM stagecraft/node:18-slim
WORKDIR /app
RUN chown node:node /app
USER node
COPY --chown=node:node package.json package-lock.json ./
RUN npm ci && test -d node_modules/ms && test -d node_modules/is-number
RUN rm -rf node_modules && npm ci --omit=dev && test -d node_modules/ms && test ! -e node_modules/is-number
RUN if npm install left-pad@1.3.0 > /tmp/npm.log 2>&1; then echo "installed with no network?"; exit 1; fi; \\
    cat /tmp/npm.log; grep -q ENOTCACHED /tmp/npm.log && grep -q left-pad /tmp/npm.log
RUN for tool in gcc g++ make python3; do if command -v $tool; then echo "$tool in a slim image"; exit 1; fi; done
CMD ["node", "-e", "process.stdout.write([process.version, require('ms')(60000), process.getuid(), require('child_process').execSync('npm --version').toString().trim()].join(' '))"]
`,
      {
        "package.json": await readFile(path.join(selftest, "package.json")),
        "package-lock.json": await readFile(path.join(selftest, "package-lock.json")),
      },
    );
    expectBuilt(b);
    const out = await runIn(b.tag);
    expect(out.output.trim()).toMatch(/^v18\.\d+\.\d+ 1m 1000 10\.8\.2$/);
    expect(await sizeOf("stagecraft/node:18-slim")).toBeLessThan(400 * MiB);
  });

  // images:prepare already proved each lockfile with `npm ci --offline` in the cache stage; this
  // proves the cache survived the copy into the final image, for the node user, in the full image.
  // A plain container (two CPUs) rather than a BuildKit build (one): it is the slowest test here.
  it("every lockfile in the course installs offline in stagecraft/node:18 as the node user", async () => {
    const collected = await collectNpmLockfiles(RECIPES.find((r) => r.ref === "stagecraft/node:18-slim")!.npmLockfileRoots!);
    const dir = await mkdtemp(path.join(tmpdir(), "sc-lockfiles-"));
    dirs.push(dir);
    await chmod(dir, 0o755); // the node user reads it through the bind mount
    const labels: string[] = [];
    for (const lock of collected.filter((f) => f.name.endsWith("/package-lock.json"))) {
      const source = path.dirname(path.join(REPO_ROOT, lock.name.slice("lockfiles/".length)));
      const manifest = await readFile(path.join(source, "package.json")).catch(() => null);
      if (manifest === null) continue; // npm ci needs one; lessons:verify says so, not this test
      const target = path.join(dir, String(labels.length));
      await mkdir(target);
      await writeFile(path.join(target, "package-lock.json"), lock.data);
      await writeFile(path.join(target, "package.json"), manifest);
      labels.push(lock.name);
    }
    const script = labels
      .map((label, i) => `echo "== ${label}" && rm -rf /tmp/w && cp -r /locks/${i} /tmp/w && cd /tmp/w && npm ci --ignore-scripts --no-fund && npm ls --all > /dev/null`)
      .join(" && ");
    const container = await docker.createContainer({
      Image: "stagecraft/node:18",
      Cmd: ["sh", "-c", `${script || "true"} && echo ALL-INSTALLED`],
      User: "node",
      Tty: true,
      HostConfig: { NetworkMode: "none", Binds: [`${dir}:/locks:ro`] },
    });
    try {
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      const output = String(await container.logs({ stdout: true, stderr: true }));
      expect(StatusCode, output).toBe(0);
      expect(output).toContain("ALL-INSTALLED");
      for (const label of labels) expect(output).toContain(`== ${label}`);
    } finally {
      await container.remove({ force: true });
    }
  });

  it("stagecraft/node:18 compiles a native addon offline (g++, make, python3 and Node's headers)", async () => {
    const b = await build(
      `FROM stagecraft/node:18
WORKDIR /addon
COPY . .
RUN chown -R node:node /addon
USER node
RUN npm install
CMD ["node", "-p", "require('/addon/build/Release/hello.node').hello()"]
`,
      {
        "package.json": JSON.stringify({ name: "addon", version: "1.0.0", private: true, gypfile: true, scripts: { install: "node-gyp rebuild" } }),
        "binding.gyp": JSON.stringify({ targets: [{ target_name: "hello", sources: ["hello.cc"] }] }),
        "hello.cc": `#include <node_api.h>
static napi_value Hello(napi_env env, napi_callback_info info) {
  napi_value s; napi_create_string_utf8(env, "hello from c++", NAPI_AUTO_LENGTH, &s); return s;
}
static napi_value Init(napi_env env, napi_value exports) {
  napi_value fn; napi_create_function(env, nullptr, 0, Hello, nullptr, &fn);
  napi_set_named_property(env, exports, "hello", fn); return exports;
}
NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
`,
      },
    );
    expectBuilt(b);
    expect((await runIn(b.tag)).output.trim()).toBe("hello from c++");
  });
});

describe("the npm cache warm-up in images:prepare (npm-cache-warm.mjs)", () => {
  /** Runs the recipe's warm-up script in the slim image over `lockfiles`, with no network. */
  async function warm(lockfiles: Record<string, string>): Promise<{ exitCode: number; output: string }> {
    const dir = await mkdtemp(path.join(tmpdir(), "sc-warm-"));
    dirs.push(dir);
    for (const [rel, text] of Object.entries(lockfiles)) {
      await mkdir(path.dirname(path.join(dir, rel)), { recursive: true });
      await writeFile(path.join(dir, rel), text);
    }
    const container = await docker.createContainer({
      Image: "stagecraft/node:18-slim",
      Cmd: ["node", "/warm/npm-cache-warm.mjs", "/locks"],
      // No network here, so no point in npm's minute of retries.
      Env: ["NPM_CONFIG_FETCH_RETRIES=0"],
      Tty: true,
      HostConfig: {
        NetworkMode: "none",
        Binds: [`${path.join(RECIPES_DIR, "node-18-slim")}:/warm:ro`, `${dir}:/locks:ro`],
      },
    });
    try {
      await container.start();
      const { StatusCode } = (await container.wait()) as { StatusCode: number };
      const logs = await container.logs({ stdout: true, stderr: true });
      return { exitCode: StatusCode, output: String(logs) };
    } finally {
      await container.remove({ force: true });
    }
  }

  const lock = (deps: Record<string, string>) =>
    JSON.stringify({
      name: "svc",
      lockfileVersion: 3,
      packages: {
        "": { name: "svc", dependencies: deps },
        ...Object.fromEntries(Object.entries(deps).map(([name, version]) => [`node_modules/${name}`, { version }])),
      },
    });

  it("names the lockfile and says what to do when a package cannot be fetched", async () => {
    const run = await warm({ "lessons/05-node/context/package-lock.json": lock({ "left-pad": "1.3.0" }) });
    expect(run.exitCode).toBe(1);
    expect(run.output).toContain("npm cache: lessons/05-node/context/package-lock.json: npm could not fetch every package of this lockfile");
    expect(run.output).toMatch(/npm install --package-lock-only/);
  });

  it("refuses an npm 6 lockfile and a package.json that is not JSON, naming the file", async () => {
    const old = await warm({ "a/context/package-lock.json": JSON.stringify({ name: "svc", lockfileVersion: 1, dependencies: {} }) });
    expect(old.exitCode).toBe(1);
    expect(old.output).toContain('npm cache: a/context/package-lock.json: lockfileVersion 1 has no "packages" map');
    const broken = await warm({ "b/context/package-lock.json": lock({}), "b/context/package.json": "{ not json" });
    expect(broken.exitCode).toBe(1);
    expect(broken.output).toContain("npm cache: b/context/package-lock.json: its package.json is not valid JSON");
  });
});

describe("stagecraft/python:3.11 and stagecraft/python:3.11-slim", () => {
  const pyproject = (name: string) => `[build-system]
requires = ["setuptools>=61", "wheel"]
build-backend = "setuptools.build_meta"

[project]
name = "${name}"
version = "0.1.0"
`;

  it("pip builds local sdists offline with build isolation (a C extension in the full image), and the venv runs in the slim one", async () => {
    const b = await build(
      `FROM stagecraft/python:3.11 AS build
COPY vendor/ /src/vendor/
RUN python3 -m venv /opt/venv && /opt/venv/bin/pip install /src/vendor/greet /src/vendor/cgreet
RUN if /opt/venv/bin/pip install requests > /tmp/pip.log 2>&1; then echo "installed with no network?"; exit 1; fi; \\
    cat /tmp/pip.log; grep -q "No matching distribution found for requests" /tmp/pip.log

FROM stagecraft/python:3.11-slim
COPY --from=build /opt/venv /opt/venv
COPY vendor/greet /src/greet
RUN if command -v gcc || test -e /usr/include/python3.11/Python.h; then echo "a compiler in the slim image"; exit 1; fi
# No EXTERNALLY-MANAGED refusal, as in the upstream image; setuptools comes from the wheelhouse.
RUN pip install /src/greet && python -c "import greet"
CMD ["/opt/venv/bin/python", "-c", "import sys, greet, cgreet; print(greet.hello(), cgreet.hello(), sys.version.split()[0], sys.base_prefix)"]
`,
      {
        "vendor/greet/pyproject.toml": pyproject("greet"),
        "vendor/greet/greet/__init__.py": 'def hello():\n    return "pure"\n',
        "vendor/cgreet/pyproject.toml": pyproject("cgreet"),
        "vendor/cgreet/setup.py": 'from setuptools import Extension, setup\n\nsetup(ext_modules=[Extension("cgreet", ["cgreet.c"])])\n',
        "vendor/cgreet/cgreet.c": `#define PY_SSIZE_T_CLEAN
#include <Python.h>
static PyObject *hello(PyObject *self, PyObject *args) { return PyUnicode_FromString("compiled"); }
static PyMethodDef methods[] = {{"hello", hello, METH_NOARGS, NULL}, {NULL, NULL, 0, NULL}};
static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "cgreet", NULL, -1, methods};
PyMODINIT_FUNC PyInit_cgreet(void) { return PyModule_Create(&module); }
`,
      },
    );
    expectBuilt(b);
    expect((await runIn(b.tag)).output.trim()).toMatch(/^pure compiled 3\.11\.\d+ \/usr$/);
    expect(await sizeOf("stagecraft/python:3.11-slim")).toBeLessThan(200 * MiB);
  });
});

describe("stagecraft/rust:1.63 and stagecraft/distroless-cc:nonroot", () => {
  // serde_json alone in a debug build: the proof without compiling syn for serde_derive, which
  // takes minutes on a busy 1-CPU build cgroup. That serde's derive feature resolves offline is
  // checked with generate-lockfile, which resolves without compiling.
  it("cargo builds a serde_json crate offline as a non-root user, serde's derive resolves, a missing crate is named, and the binary runs on distroless-cc", async () => {
    const b = await build(
      `FROM stagecraft/rust:1.63 AS build
RUN mkdir /src && chown 1000:1000 /src
USER 1000:1000
WORKDIR /src
COPY --chown=1000:1000 demo/ ./
RUN cargo build --offline
RUN cd /tmp && cargo new --vcs none derive && cd derive \
 && echo 'serde = { version = "1", features = ["derive"] }' >> Cargo.toml \
 && cargo generate-lockfile --offline && grep -q 'name = "serde_derive"' Cargo.lock
RUN cd /tmp && cargo new --vcs none probe && cd probe && echo 'tokio = "1"' >> Cargo.toml \
 && if cargo build > /tmp/cargo.log 2>&1; then echo "built with no network?"; exit 1; fi; \
    cat /tmp/cargo.log; grep -q "no matching package named .tokio. found" /tmp/cargo.log

FROM stagecraft/distroless-cc:nonroot
COPY --from=build /src/target/debug/demo /demo
CMD ["/demo"]
`,
      {
        "demo/Cargo.toml": `[package]
name = "demo"
version = "0.1.0"
edition = "2021"

[dependencies]
serde_json = "1"
`,
        "demo/src/main.rs": `fn main() {
    println!("json: {}", serde_json::json!({ "msg": "hello from rust" }));
}
`,
      },
    );
    expectBuilt(b);
    expect((await runIn(b.tag)).output.trim()).toBe('json: {"msg":"hello from rust"}');
  });
});

describe("stagecraft/gcc:12 and the distroless runtimes", () => {
  const hello = `#include <stdio.h>
#include <unistd.h>
int main(void) {
  FILE *certs = fopen("/etc/ssl/certs/ca-certificates.crt", "r");
  FILE *tmp = fopen("/tmp/probe", "w");
  printf("uid=%d gid=%d certs=%s tmp=%s\\n", (int)getuid(), (int)getgid(), certs ? "yes" : "no", tmp ? "yes" : "no");
  return 0;
}
`;
  const programs = `FROM stagecraft/gcc:12 AS build
COPY hello.c /src/
RUN gcc -O2 -o /hello-dynamic /src/hello.c \\
 && gcc -static -O2 -o /hello-glibc-static /src/hello.c \\
 && musl-gcc -static -O2 -o /hello-musl /src/hello.c
`;
  let staticTag = "";

  beforeAll(async () => {
    const b = await build(
      `${programs}
FROM stagecraft/distroless-static:nonroot
COPY --from=build /hello-dynamic /hello-glibc-static /hello-musl /
CMD ["/hello-musl"]
`,
      { "hello.c": hello },
    );
    expectBuilt(b);
    staticTag = b.tag;
  });

  it("distroless-static runs glibc-static and musl-static binaries as nonroot (65532), with CA certificates and a writable /tmp", async () => {
    expect((await runIn(staticTag)).output.trim()).toBe("uid=65532 gid=65532 certs=yes tmp=yes");
    expect((await runIn(staticTag, ["/hello-glibc-static"])).output.trim()).toBe("uid=65532 gid=65532 certs=yes tmp=yes");
    expect(await sizeOf("stagecraft/distroless-static:nonroot")).toBeLessThan(MiB);
  });

  it("distroless-static has no shell and no C library: a dynamically linked binary is 'not found'", async () => {
    for (const file of ["/bin/sh", "/bin/bash", "/usr/bin/env", "/usr/lib/x86_64-linux-gnu/libc.so.6", "/lib64/ld-linux-x86-64.so.2"]) {
      expect(await hasPath("stagecraft/distroless-static:nonroot", file), file).toBe(false);
    }
    const shell = await runIn(staticTag, ["/bin/sh", "-c", "echo hi"]);
    expect(shell.exitCode).not.toBe(0);
    expect(shell.output).toMatch(/no such file or directory/i);
    const dynamic = await runIn(staticTag, ["/hello-dynamic"]);
    expect(dynamic.exitCode).not.toBe(0);
    expect(dynamic.output).toMatch(/no such file or directory/i);
  });

  it("distroless-cc has glibc, libgcc_s, libstdc++ and libssl3 but still no shell, and runs the dynamic binary", async () => {
    const cc = "stagecraft/distroless-cc:nonroot";
    for (const file of ["/bin/sh", "/bin/bash", "/usr/bin/env"]) expect(await hasPath(cc, file), file).toBe(false);
    for (const file of ["/lib64/ld-linux-x86-64.so.2", "/lib/x86_64-linux-gnu/libc.so.6", "/usr/lib/x86_64-linux-gnu/libgcc_s.so.1", "/usr/lib/x86_64-linux-gnu/libstdc++.so.6", "/usr/lib/x86_64-linux-gnu/libssl.so.3", "/etc/ssl/certs/ca-certificates.crt"]) {
      expect(await hasPath(cc, file), file).toBe(true);
    }
    const b = await build(
      `${programs}
FROM stagecraft/distroless-cc:nonroot
COPY --from=build /hello-dynamic /
CMD ["/hello-dynamic"]
`,
      { "hello.c": hello },
    );
    expectBuilt(b);
    expect((await runIn(b.tag)).output.trim()).toBe("uid=65532 gid=65532 certs=yes tmp=yes");
    expect(await sizeOf(cc)).toBeLessThan(40 * MiB);
  });
});
