/** Each course rule, positive and negative, through the public `lintDockerfile`. */
import { describe, expect, it } from "vitest";
import { GOOD, df } from "../test-fixtures";
import { LESSON_LINKS, lintDockerfile } from "../index";
import { COURSE_RULES } from "./index";

const findings = (rule: string, text: string) => lintDockerfile(text).filter((d) => d.rule === rule);

describe("final-stage-root", () => {
  it("warns at the final FROM when the final stage never sets USER", () => {
    const [d] = findings("final-stage-root", df("FROM stagecraft/golang:1.19 AS build", "USER 1000", "FROM stagecraft/busybox:1.35", 'CMD ["sh"]'));
    expect(d).toMatchObject({ severity: "warning", startLine: 3, link: "/lessons/anatomy#final-stage-user" });
    expect(d?.message).toMatch(/runs as root/);
  });

  it("trusts a catalog base that runs as non-root (distroless-style :nonroot), unless USER switches back", () => {
    expect(findings("final-stage-root", df("FROM stagecraft/golang:1.19 AS build", "FROM stagecraft/distroless-static:nonroot", 'CMD ["/app"]'))).toEqual([]);
    expect(findings("final-stage-root", df("FROM stagecraft/distroless-cc:nonroot AS base", "FROM base", 'CMD ["/app"]'))).toEqual([]);
    expect(findings("final-stage-root", df("FROM stagecraft/distroless-cc:nonroot", "USER root"))).toMatchObject([{ startLine: 2 }]);
  });

  it.each(["root", "0", "root:root", "0:0"])("warns at `USER %s`", (user) => {
    const [d] = findings("final-stage-root", df("FROM stagecraft/busybox:1.35", "USER 65532", `USER ${user}`));
    expect(d).toMatchObject({ startLine: 3, severity: "warning" });
  });

  it("accepts a non-root USER in the final stage, and one inherited through FROM <stage>", () => {
    expect(findings("final-stage-root", GOOD)).toEqual([]);
    expect(findings("final-stage-root", df("FROM stagecraft/busybox:1.35 AS base", "USER app", "FROM base", 'CMD ["sh"]'))).toEqual([]);
  });

  it("only looks at the final stage", () => {
    expect(findings("final-stage-root", df("FROM stagecraft/gcc:12 AS build", "USER root", "FROM stagecraft/busybox:1.35", "USER 65532"))).toEqual([]);
  });
});

describe("copy-from-unknown-stage", () => {
  it("flags a --from that names no stage and no catalog image, on the flag's value", () => {
    const [d] = findings("copy-from-unknown-stage", df("FROM stagecraft/golang:1.19 AS builder", "FROM stagecraft/busybox:1.35", "COPY --from=bulder /a /b"));
    expect(d).toMatchObject({ severity: "error", startLine: 3, startColumn: 13, endColumn: 19, link: "/lessons/copy-from#from-a-named-stage" });
    expect(d?.message).toMatch(/No stage is named `bulder`.*pull.*`builder`/);
  });

  it("resolves stage names case-insensitively like BuildKit", () => {
    expect(findings("copy-from-unknown-stage", df("FROM stagecraft/golang:1.19 AS Builder", "FROM stagecraft/busybox:1.35", "COPY --from=BUILDER /a /b"))).toEqual([]);
  });

  it("accepts an earlier stage index and a catalog image", () => {
    const text = df("FROM stagecraft/golang:1.19", "FROM stagecraft/busybox:1.35", "COPY --from=0 /a /b", "COPY --from=stagecraft/gcc:12 /usr/bin/make /make");
    expect(findings("copy-from-unknown-stage", text)).toEqual([]);
  });

  it("asks for a literal stage name instead of a variable (the runner refuses those)", () => {
    const [d] = findings("copy-from-unknown-stage", df("FROM stagecraft/golang:1.19 AS b", "FROM stagecraft/busybox:1.35", "COPY --from=$STAGE /a /b"));
    expect(d?.message).toMatch(/does not expand variables/);
  });

  it("flags an index past the last stage", () => {
    expect(findings("copy-from-unknown-stage", df("FROM stagecraft/busybox:1.35", "COPY --from=3 /a /b"))).toHaveLength(1);
  });
});

describe("copy-from-own-stage", () => {
  it("flags a stage copying from itself, by name or by index", () => {
    expect(findings("copy-from-own-stage", df("FROM stagecraft/gcc:12 AS build", "COPY --from=build /a /b"))).toMatchObject([{ severity: "error", startLine: 2 }]);
    expect(findings("copy-from-own-stage", df("FROM stagecraft/gcc:12", "COPY --from=0 /a /b"))).toHaveLength(1);
  });

  it("does not flag copying from an earlier stage", () => {
    expect(findings("copy-from-own-stage", GOOD)).toEqual([]);
  });
});

describe("copy-from-later-stage", () => {
  it("flags a --from naming a stage defined further down, with that stage's line", () => {
    const [d] = findings("copy-from-later-stage", df("FROM stagecraft/busybox:1.35", "COPY --from=build /a /b", "FROM stagecraft/gcc:12 AS build"));
    expect(d).toMatchObject({ severity: "error", startLine: 2 });
    expect(d?.message).toMatch(/defined later \(line 3\)/);
  });

  it("does not flag copying from an earlier stage", () => {
    expect(findings("copy-from-later-stage", GOOD)).toEqual([]);
  });
});

describe("base-image-tag", () => {
  it.each([
    ["stagecraft/golang", "has no tag"],
    ["stagecraft/golang:latest", "uses `:latest`"],
    ["localhost:5000/golang", "has no tag"],
  ])("warns about FROM %s", (image, why) => {
    const [d] = findings("base-image-tag", df(`FROM ${image}`));
    expect(d).toMatchObject({ severity: "warning", startLine: 1, startColumn: 6, link: "/lessons/security#pin-the-base-image" });
    expect(d?.message).toContain(why);
  });

  it("accepts tagged images, digests, scratch and earlier stages", () => {
    const text = df("FROM stagecraft/golang:1.19 AS a", "FROM a", "FROM scratch", "FROM x@sha256:0123", "FROM localhost:5000/x:1");
    expect(findings("base-image-tag", text)).toEqual([]);
  });
});

describe("base-image-not-in-catalog", () => {
  it("errors on an image the sandbox does not have, listing the available ones and a near match", () => {
    const [d] = findings("base-image-not-in-catalog", df("FROM golang:1.22 AS build"));
    expect(d).toMatchObject({ severity: "error", startLine: 1, startColumn: 6, endColumn: 17 });
    expect(d?.message).toMatch(/no registry/);
    expect(d?.message).toContain("Did you mean `stagecraft/golang:1.19`?");
    expect(d?.message).toContain("stagecraft/debian:bookworm-slim, stagecraft/busybox:1.35, stagecraft/golang:1.19, stagecraft/gcc:12");
  });

  it("resolves ARG defaults before judging, and errors on an ARG without one", () => {
    expect(findings("base-image-not-in-catalog", df("ARG IMG=stagecraft/gcc:12", "FROM $IMG"))).toEqual([]);
    expect(findings("base-image-not-in-catalog", df("ARG IMG=node:20", "FROM ${IMG}"))).toMatchObject([{ startLine: 2 }]);
    const [d] = findings("base-image-not-in-catalog", df("ARG IMG", "FROM $IMG"));
    expect(d?.message).toMatch(/no default/);
  });

  it("underlines FROM $UNSET once, with the course message rather than the parser's", () => {
    const errors = lintDockerfile(df("FROM $NOPE", "USER 1")).filter((d) => d.severity === "error");
    expect(errors).toMatchObject([{ rule: "base-image-not-in-catalog", startLine: 1 }]);
  });

  it("explains a FROM naming a stage defined later", () => {
    const [d] = findings("base-image-not-in-catalog", df("FROM app", "FROM stagecraft/busybox:1.35 AS app"));
    expect(d?.message).toMatch(/stage defined later \(line 2\)/);
  });

  it("accepts catalog images, scratch and earlier stages (case-insensitively)", () => {
    expect(findings("base-image-not-in-catalog", df("FROM stagecraft/gcc:12 AS Build", "FROM build", "FROM scratch"))).toEqual([]);
  });
});

describe("shell-form-cmd", () => {
  it("warns about shell-form CMD and ENTRYPOINT in the final stage, suggesting exec form", () => {
    const got = findings("shell-form-cmd", df("FROM stagecraft/busybox:1.35", "USER 1", "ENTRYPOINT /app --serve", "CMD echo hi"));
    expect(got.map((d) => d.startLine)).toEqual([3, 4]);
    expect(got[1]?.message).toContain('e.g. `CMD ["echo", "hi"]`');
    expect(got[0]).toMatchObject({ severity: "warning", link: "/lessons/anatomy#exec-form" });
  });

  it("suggests no rewrite when the command needs a shell", () => {
    const [d] = findings("shell-form-cmd", df("FROM stagecraft/busybox:1.35", "CMD echo $HOME && ls"));
    expect(d?.message).not.toContain("e.g.");
  });

  it("ignores exec form, earlier overridden CMDs and CMDs of other stages", () => {
    const text = df("FROM stagecraft/gcc:12 AS b", "CMD make", "FROM stagecraft/busybox:1.35", "CMD echo hi", 'CMD ["/app"]', 'ENTRYPOINT ["/app"]');
    expect(findings("shell-form-cmd", text)).toEqual([]);
  });

  it("treats a malformed JSON array as shell form, like the builder does", () => {
    expect(findings("shell-form-cmd", df("FROM stagecraft/busybox:1.35", "CMD ['/app']"))).toHaveLength(1);
  });
});

describe("unused-stage", () => {
  it("notes stages the final stage never reaches", () => {
    const text = df("FROM stagecraft/golang:1.19 AS build", "FROM stagecraft/golang:1.19 AS test", "FROM stagecraft/busybox:1.35", "COPY --from=build /a /b");
    const got = findings("unused-stage", text);
    expect(got).toMatchObject([{ severity: "info", startLine: 2, link: "/lessons/anatomy#unused-stages" }]);
    expect(got[0]?.message).toMatch(/`test`.*BuildKit skips it/);
  });

  it("follows FROM <stage> and COPY --from chains transitively", () => {
    const text = df("FROM stagecraft/gcc:12 AS deps", "FROM deps AS build", "FROM stagecraft/busybox:1.35 AS base", "FROM base", "COPY --from=1 /a /b");
    expect(findings("unused-stage", text)).toEqual([]);
  });
});

describe("sandbox (the runner's admission refusals, shown in the editor)", () => {
  it("underlines the whole line with the admission rule id", () => {
    const got = lintDockerfile(df("# syntax=docker/dockerfile:1", "FROM stagecraft/busybox:1.35", "RUN --mount=type=cache,target=/c true", "ADD https://x.example/a /a", "ONBUILD RUN x"));
    const sandbox = got.filter((d) => d.link === "/lessons/monolithic-image#sandbox-rules");
    expect(sandbox.map((d) => [d.rule, d.startLine, d.startColumn])).toEqual([
      ["parser-directive", 1, 1],
      ["run-flag", 3, 1],
      ["add-remote-source", 4, 1],
      ["onbuild", 5, 1],
    ]);
    expect(sandbox[1]).toMatchObject({ severity: "error", endLine: 3, endColumn: "RUN --mount=type=cache,target=/c true".length + 1 });
  });

  it("stays quiet on what the runner admits", () => {
    expect(lintDockerfile(df("# escape=\\", "FROM stagecraft/busybox:1.35", "COPY --link --chown=1 a /a", "USER 1", 'CMD ["/a"]'))).toEqual([]);
  });
});

describe("cache-order", () => {
  it("warns on a broad COPY before the dependency install of the same stage, on the COPY line", () => {
    const text = df("FROM stagecraft/debian:bookworm-slim AS build", "WORKDIR /app", "COPY . .", "RUN npm ci && npm run build", "FROM stagecraft/busybox:1.35", "COPY --from=build /app/dist /app", "USER 1");
    const [d] = findings("cache-order", text);
    expect(d).toMatchObject({ severity: "warning", startLine: 3, startColumn: 1, endLine: 3, endColumn: 9, link: "/lessons/cache-performance#dependencies-first" });
    expect(d?.message).toMatch(/`npm ci` below \(line 4\).*Copy `package.json` and its lock file first, install, then copy the rest/);
  });

  it.each([
    ["COPY . /src", "RUN go mod download", "`go.mod` and `go.sum`"],
    ["ADD . .", "RUN pip install --prefix=/install -r requirements.txt", "`requirements.txt`"],
    ["COPY --chown=1 ./ ./", "RUN python3 -m pip install -r requirements.txt", "`requirements.txt`"],
    ["COPY . .", "RUN /opt/venv/bin/pip install --no-index -r requirements.txt", "`requirements.txt`"],
    ['COPY [".", "/app"]', "RUN cargo build --release", "`Cargo.toml` and `Cargo.lock`"],
    ["COPY . .", "RUN yarn install --frozen-lockfile", "lock file"],
    ["COPY . .", "RUN pnpm install", "lock file"],
    ["COPY . .", "RUN bundle install", "`Gemfile`"],
    ["COPY . .", "RUN composer install --no-dev", "`composer.json`"],
    ["COPY . .", 'RUN ["npm", "ci"]', "lock file"],
  ])("recognises `%s` then `%s`", (copy, run, manifest) => {
    const [d] = findings("cache-order", df("FROM stagecraft/golang:1.19", copy, run));
    expect(d).toMatchObject({ startLine: 2 });
    expect(d?.message).toContain(manifest);
  });

  it("accepts manifests first, then install, then the sources", () => {
    const node = df("FROM stagecraft/debian:bookworm-slim", "COPY package.json package-lock.json ./", "RUN npm ci", "COPY . .", "RUN npm run build");
    const go = df("FROM stagecraft/golang:1.19", "COPY go.mod go.sum ./", "RUN go mod download", "COPY . .", "RUN go build -o /app .");
    // Rust's placeholder pattern: dependencies built once before the sources, the real build after.
    const rust = df("FROM stagecraft/gcc:12", "COPY Cargo.toml Cargo.lock ./", "RUN mkdir src && echo 'fn main(){}' > src/main.rs && cargo build --release", "COPY . .", "RUN cargo build --release");
    expect([node, go, rust, GOOD].flatMap((text) => findings("cache-order", text))).toEqual([]);
  });

  it("ignores system packages, global tools, COPY --from and other stages", () => {
    const text = df(
      "FROM stagecraft/debian:bookworm-slim AS a",
      "COPY . .",
      "RUN apt-get update && apt-get install -y gcc && npm install -g pnpm && pip install flask",
      "FROM stagecraft/debian:bookworm-slim",
      "COPY --from=a . .",
      "RUN npm ci",
    );
    expect(findings("cache-order", text)).toEqual([]);
  });
});

describe("secret-in-build-arg-or-env", () => {
  it("warns on secret-looking ENV and ARG in the final stage, on the name", () => {
    const text = df("FROM stagecraft/golang:1.19 AS build", "FROM stagecraft/busybox:1.35", "ARG NPM_TOKEN", "ENV DB_PASSWORD=hunter2 PORT=8080", "USER 1");
    const got = findings("secret-in-build-arg-or-env", text);
    expect(got.map((d) => [d.startLine, d.startColumn, d.endColumn])).toEqual([
      [3, 5, 14],
      [4, 5, 16],
    ]);
    expect(got[0]).toMatchObject({ severity: "warning", link: "/lessons/security#keep-secrets-out-of-the-image" });
    expect(got[0]?.message).toMatch(/`NPM_TOKEN` looks like a secret: .*history.*when the container runs/);
    expect(got[1]?.message).toMatch(/image configuration.*when the container runs/);
  });

  it("follows FROM <stage> into the final image, and flags ARG defaults anywhere", () => {
    const text = df("ARG GITHUB_TOKEN=ghp_x", "FROM stagecraft/debian:bookworm-slim AS base", "ENV apiKey=abc", "FROM stagecraft/gcc:12 AS build", "ARG SECRET_KEY=s3", "FROM base", "USER 1");
    expect(findings("secret-in-build-arg-or-env", text).map((d) => d.startLine)).toEqual([1, 3, 5]);
  });

  it("accepts a builder-only ARG without default, file paths, empty values and lookalike names", () => {
    const text = df(
      "FROM stagecraft/gcc:12 AS build",
      "ARG NPM_TOKEN",
      "ENV API_KEY=only-in-the-builder",
      "FROM stagecraft/busybox:1.35",
      "COPY --from=build /a /a",
      "ENV DB_PASSWORD_FILE=/run/secrets/db TOKENIZER_PATH=/t KEYBOARD=us MONKEY=1 TOKEN=",
      "ARG PASSWORDLESS=1",
      "USER 1",
    );
    expect(findings("secret-in-build-arg-or-env", text)).toEqual([]);
  });
});

describe("final-stage-build-tools and single-stage-build-tools", () => {
  it("warns when the final stage of a multi-stage build starts from a toolchain image", () => {
    const text = df("FROM stagecraft/golang:1.19 AS build", "FROM stagecraft/golang:1.19", "COPY --from=build /a /a", "USER 1");
    const [d] = findings("final-stage-build-tools", text);
    expect(d).toMatchObject({ severity: "warning", startLine: 2, startColumn: 6, link: "/lessons/anatomy#what-gets-discarded" });
    expect(d?.message).toMatch(/`stagecraft\/golang:1.19`, a toolchain image/);
  });

  it("warns on build tools installed in the final image, also through FROM <stage>", () => {
    const text = df(
      "FROM stagecraft/debian:bookworm-slim AS base",
      "RUN apt-get update && apt-get install -y --no-install-recommends \\",
      "    gcc=4:12.2.0-3 libssl-dev ca-certificates",
      "FROM base AS build",
      "FROM base",
      "RUN apk add --no-cache make && yum install -y cmake",
      "USER 1",
    );
    const got = findings("final-stage-build-tools", text);
    expect(got.map((d) => d.startLine)).toEqual([2, 6]);
    expect(got[0]?.message).toContain("(gcc, libssl-dev)");
    expect(got[1]?.message).toContain("(make, cmake)");
  });

  it("accepts tools in the builder, runtime packages, and tools removed in the same RUN", () => {
    const text = df(
      "FROM stagecraft/gcc:12 AS build",
      "RUN apt-get install -y make",
      "FROM stagecraft/debian:bookworm-slim",
      "RUN apt-get install -y ca-certificates libssl3 git",
      "RUN apk add --virtual .build-deps gcc musl-dev && pip install x && apk del .build-deps",
      "RUN apt-get install -y build-essential && make && apt-get purge -y build-essential",
      "COPY --from=build /a /a",
      "USER 1",
    );
    expect(findings("final-stage-build-tools", text)).toEqual([]);
    expect(findings("final-stage-build-tools", GOOD)).toEqual([]);
  });

  it("gives a one-stage Dockerfile only an info, pointing at the monolith lesson", () => {
    const text = df("FROM stagecraft/golang:1.19", "RUN apt-get install -y make", "USER 1");
    expect(findings("final-stage-build-tools", text)).toEqual([]);
    const got = findings("single-stage-build-tools", text);
    expect(got).toMatchObject([
      { severity: "info", startLine: 1, link: "/lessons/monolithic-image#what-a-one-stage-image-holds" },
      { severity: "info", startLine: 2 },
    ]);
    expect(got[0]?.message).toMatch(/whole `stagecraft\/golang:1.19` toolchain.*runtime stage/);
  });

  it("says nothing about a one-stage Dockerfile on a runtime image", () => {
    expect(findings("single-stage-build-tools", df("FROM stagecraft/busybox:1.35", "USER 1"))).toEqual([]);
    expect(findings("single-stage-build-tools", GOOD)).toEqual([]);
  });
});

describe("final-stage-healthcheck", () => {
  it("notes an EXPOSE without HEALTHCHECK in the final image, on the EXPOSE line", () => {
    const text = df("FROM stagecraft/busybox:1.35 AS base", "EXPOSE 9000/tcp", "FROM base", "USER 1");
    const [d] = findings("final-stage-healthcheck", text);
    expect(d).toMatchObject({ severity: "info", startLine: 2, link: "/lessons/security#health-checks-without-a-shell" });
    expect(d?.message).toMatch(/hung.*http:\/\/127\.0\.0\.1:9000\/health.*no wget or curl/);
  });

  it("accepts a HEALTHCHECK (or HEALTHCHECK NONE) and images that expose nothing", () => {
    const withCheck = df("FROM stagecraft/busybox:1.35", "EXPOSE 8080", "HEALTHCHECK CMD wget -q -O /dev/null http://localhost:8080/ || exit 1", "USER 1");
    const optedOut = df("FROM stagecraft/busybox:1.35", "EXPOSE 8080", "HEALTHCHECK NONE", "USER 1");
    const builderOnly = df("FROM stagecraft/gcc:12 AS build", "EXPOSE 8080", "FROM stagecraft/busybox:1.35", "COPY --from=build /a /a", "USER 1");
    expect([withCheck, optedOut, builderOnly, GOOD].flatMap((text) => findings("final-stage-healthcheck", text))).toEqual([]);
  });
});

describe("the rule registry", () => {
  it("gives every rule a unique id and a link from LESSON_LINKS (whose anchors lessons:check verifies)", () => {
    const ids = COURSE_RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    const links: string[] = Object.values(LESSON_LINKS);
    for (const rule of COURSE_RULES) expect(links, rule.id).toContain(rule.link);
  });
});
