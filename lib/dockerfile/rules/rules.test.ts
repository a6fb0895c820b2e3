/** Each course rule, positive and negative, through the public `lintDockerfile`. */
import { describe, expect, it } from "vitest";
import { GOOD, df } from "../test-fixtures";
import { lintDockerfile } from "../index";

const findings = (rule: string, text: string) => lintDockerfile(text).filter((d) => d.rule === rule);

describe("final-stage-root", () => {
  it("warns at the final FROM when the final stage never sets USER", () => {
    const [d] = findings("final-stage-root", df("FROM stagecraft/golang:1.19 AS build", "USER 1000", "FROM stagecraft/busybox:1.35", 'CMD ["sh"]'));
    expect(d).toMatchObject({ severity: "warning", startLine: 3, link: "/lessons/anatomy#final-stage-user" });
    expect(d?.message).toMatch(/runs as root/);
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
    expect(d).toMatchObject({ severity: "error", startLine: 3, startColumn: 13, endColumn: 19, link: "/lessons/anatomy#copy-from" });
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
    expect(d).toMatchObject({ severity: "warning", startLine: 1, startColumn: 6, link: "/lessons/monolithic-image#base-images" });
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
