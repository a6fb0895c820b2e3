/** Each admission gate through the public `admitDockerfile`: the rule, the line and the message. */
import { describe, expect, it } from "vitest";
import { findCatalogImage, IMAGE_CATALOG } from "../../image-catalog";
import type { Problem } from "../../protocol";
import { GOOD, df } from "../test-fixtures";
import { admitDockerfile, type AdmissionOptions } from "../index";

const OPTIONS: AdmissionOptions = {
  maxBytes: 64 * 1024,
  maxLines: 2000,
  allowedImages: (ref) => findCatalogImage(ref) !== undefined,
};

function problems(text: string, options: Partial<AdmissionOptions> = {}): Problem[] {
  const result = admitDockerfile(text, { ...OPTIONS, ...options });
  return result.ok ? [] : result.problems;
}

const only = (text: string, rule: string) => problems(text).filter((p) => p.rule === rule);

describe("admitDockerfile accepts", () => {
  it("a clean multi-stage build, returning its model", () => {
    const result = admitDockerfile(GOOD, OPTIONS);
    expect(result).toEqual({ ok: true, model: expect.objectContaining({ stages: [expect.objectContaining({ name: "builder" }), expect.objectContaining({ index: 1 })] }) });
  });

  it("FROM scratch, FROM <earlier stage> (any case), ARG-resolved catalog images and # escape=", () => {
    const text = df(
      "# escape=`",
      "ARG GO=stagecraft/golang:1.19",
      "FROM ${GO} AS Build",
      "RUN echo a `",
      "  b",
      "FROM BUILD AS test",
      "FROM scratch",
      "COPY --from=build /out /out",
      "COPY --from=0 /out /out2",
      "COPY --from=stagecraft/busybox:1.35 /bin/busybox /busybox",
    );
    expect(problems(text)).toEqual([]);
  });

  it("COPY --link/--chmod/--chown, ADD of local files with --chown/--chmod/--link, FROM --platform", () => {
    const text = df(
      "FROM --platform=$BUILDPLATFORM stagecraft/busybox:1.35",
      "COPY --link --chmod=755 --chown=1:1 app /app",
      "ADD --chown=1:1 --chmod=644 --link vendor.tar.gz /vendor/",
    );
    expect(problems(text)).toEqual([]);
  });
});

describe("admitDockerfile refuses", () => {
  it("an empty or blank Dockerfile", () => {
    expect(problems("")).toEqual([expect.objectContaining({ rule: "empty", message: expect.stringMatching(/empty/) })]);
    expect(problems(" \n\t\n")).toMatchObject([{ rule: "empty" }]);
  });

  it("a Dockerfile over maxBytes, counting UTF-8 bytes", () => {
    // 76 characters, 136 bytes: the cap is on bytes.
    const [p] = problems(`FROM scratch\n# ${"é".repeat(60)}\n`, { maxBytes: 100 });
    expect(p).toMatchObject({ rule: "too-large" });
    expect(p?.message).toMatch(/136 bytes; the sandbox accepts at most 100/);
  });

  it("a Dockerfile over maxLines (a trailing newline does not count as a line)", () => {
    expect(problems("FROM scratch\n\n\n", { maxLines: 3 })).toEqual([]);
    expect(problems("FROM scratch\n\n\n\n", { maxLines: 3 })).toMatchObject([{ rule: "too-many-lines", message: expect.stringMatching(/4 lines.*at most 3/) }]);
  });

  it("a line longer than maxLineChars, with its line", () => {
    expect(problems(df("FROM scratch", `RUN echo ${"x".repeat(9000)}`))).toMatchObject([{ rule: "line-too-long", line: 2 }]);
    expect(problems(df("FROM scratch", `LABEL a=${"x".repeat(90)}`), { maxLineChars: 50 })).toMatchObject([{ rule: "line-too-long", line: 2 }]);
  });

  it("a continuation chain longer than maxContinuationLines, at the line it starts", () => {
    const chain = (n: number) => ["RUN echo \\", ...Array.from({ length: n - 2 }, () => "  x \\"), "  end"];
    expect(problems(df("FROM stagecraft/busybox:1.35", ...chain(200), "USER 1"))).toEqual([]);
    const [p] = problems(df("FROM stagecraft/busybox:1.35", ...chain(201)));
    expect(p).toMatchObject({ rule: "continuation-too-long", line: 2 });
    // Comment lines inside a continuation do not end it.
    expect(problems(df("FROM scratch", "RUN a \\", "# c", "# c", "  b"), { maxContinuationLines: 3 })).toMatchObject([{ rule: "continuation-too-long", line: 2 }]);
  });

  it("parse errors, as syntax/<code> problems with their line", () => {
    expect(only(df("FROM stagecraft/busybox:1.35", "FROMM x"), "syntax/unknown-instruction")).toEqual([
      { rule: "syntax/unknown-instruction", line: 2, message: "Unknown instruction: FROMM", link: "/lessons/monolithic-image#dockerfile-syntax" },
    ]);
  });

  it("a Dockerfile with no FROM (once, not also as a syntax error)", () => {
    const got = problems(df("# just a comment", "RUN echo hi"));
    expect(got.filter((p) => p.rule === "no-from")).toHaveLength(1);
    expect(got.some((p) => p.rule.startsWith("syntax/no-source"))).toBe(false);
  });

  it("a FROM image outside the catalog, listing the available images", () => {
    const [p] = only(df("FROM stagecraft/busybox:1.35 AS ok", "FROM 169.254.169.254/x:1"), "base-image-not-allowed");
    expect(p).toMatchObject({ line: 2, link: "/lessons/monolithic-image#base-images" });
    expect(p?.message).toMatch(/`169\.254\.169\.254\/x:1`.*no registry/);
    expect(p?.message).toContain(`Available images: ${IMAGE_CATALOG.map((i) => i.ref).join(", ")}.`);
  });

  it("FROM of a stage defined later (it would be pulled as an image)", () => {
    expect(only(df("FROM app", "FROM stagecraft/busybox:1.35 AS app"), "base-image-not-allowed")).toMatchObject([{ line: 1 }]);
  });

  it("an ARG-based FROM that resolves outside the catalog, naming both forms", () => {
    const [p] = only(df("ARG IMG=node:20", "FROM $IMG"), "base-image-not-allowed");
    expect(p).toMatchObject({ line: 2 });
    expect(p?.message).toContain("`$IMG` (= `node:20`)");
  });

  it("an ARG-based FROM that cannot be resolved (no default, or declared after FROM)", () => {
    expect(only(df("ARG IMG", "FROM $IMG"), "from-unresolved-arg")).toMatchObject([{ line: 2, message: expect.stringMatching(/no default/) }]);
    expect(only(df("FROM $IMG", "ARG IMG=stagecraft/gcc:12"), "from-unresolved-arg")).toMatchObject([{ line: 1 }]);
    expect(problems(df("ARG IMG=", "FROM $IMG"))).toMatchObject([{ rule: "from-unresolved-arg", line: 2 }]);
  });

  it("flags with quotes in their names, read the way the builder reads them", () => {
    expect(only(df("FROM stagecraft/busybox:1.35", 'RUN --mo"unt"=type=cache,target=/c true'), "run-flag")).toMatchObject([{ line: 2 }]);
    expect(only(df("FROM stagecraft/busybox:1.35", "COPY --fr'om'=node:20 /a /b"), "copy-from-not-allowed")).toMatchObject([{ line: 2 }]);
  });

  it("quoted --from values the way the builder reads them", () => {
    const text = (from: string) => df("FROM stagecraft/golang:1.19 AS builder", "FROM stagecraft/busybox:1.35", `COPY --from=${from} /a /b`);
    expect(only(text('"builder"'), "copy-from-not-allowed")).toEqual([]);
    expect(only(text('"node":20'), "copy-from-not-allowed")).toMatchObject([{ line: 3 }]);
  });

  it.each([
    ["an unknown name", "COPY --from=bulder /a /b", /neither a stage defined above nor an image/],
    ["its own stage", "COPY --from=app /a /b", /cannot copy from itself/],
    ["a later stage", "COPY --from=later /a /b", /defined later/],
    ["an image outside the catalog", "COPY --from=node:20 /a /b", /would try to pull it/],
    ["a variable", "COPY --from=$STAGE /a /b", /does not expand variables/],
  ])("COPY --from %s", (_what, copy, message) => {
    const text = df("FROM stagecraft/golang:1.19 AS builder", "FROM stagecraft/busybox:1.35 AS app", copy, "FROM stagecraft/busybox:1.35 AS later");
    expect(only(text, "copy-from-not-allowed")).toEqual([{ rule: "copy-from-not-allowed", line: 3, message: expect.stringMatching(message), link: "/lessons/copy-from#from-a-named-stage" }]);
  });

  it.each([
    "ADD https://example.com/app.tar.gz /app",
    "ADD http://169.254.169.254/latest/meta-data /m",
    "ADD ftp://example.com/f /f",
    'ADD ["https://example.com/a", "/a"]',
    'ADD "https://example.com/a" /a',
    "ADD git@github.com:moby/buildkit.git /src",
    "ADD https://github.com/moby/buildkit.git#v0.10.1 /src",
    "ADD git://example.com/repo /src",
    "ADD repo.git /src",
    "ADD $URL /src",
    'ADD "ht"tps://example.com/a /a',
    "ADD h'ttp://'example.com/a /a",
    "ADD ht\\tps://example.com/a /a",
    "add --chown=1:1 s3://bucket/key /a",
  ])("remote or variable ADD sources: %s", (add) => {
    expect(only(df("FROM stagecraft/busybox:1.35", add), "add-remote-source")).toMatchObject([{ line: 2, link: "/lessons/monolithic-image#sandbox-rules" }]);
  });

  it.each([
    ["# syntax=docker/dockerfile:1", "syntax"],
    ["#syntax = docker.io/docker/dockerfile:1.7", "syntax"],
    ["# check=skip=all", "check"],
    ["# CHECK=error=true", "check"],
  ])("the parser directive %s", (line, name) => {
    expect(only(df(line, "FROM stagecraft/busybox:1.35"), "parser-directive")).toEqual([
      { rule: "parser-directive", line: 1, message: expect.stringContaining(`# ${name}=`), link: "/lessons/monolithic-image#sandbox-rules" },
    ]);
  });

  it("a syntax directive even after other lines (stricter than the parser)", () => {
    expect(only(df("", "# syntax=evil/frontend", "FROM stagecraft/busybox:1.35"), "parser-directive")).toMatchObject([{ line: 2 }]);
  });

  it.each(["mount=type=cache,target=/root/.cache", "mount=type=secret,id=x", "network=host", "network=none", "security=insecure", "device=/dev/fuse"])("RUN --%s", (flag) => {
    const [p] = only(df("FROM stagecraft/busybox:1.35", `RUN --${flag} echo hi`), "run-flag");
    expect(p).toMatchObject({ line: 2, message: expect.stringContaining(`RUN --${flag.split("=")[0]}`) });
  });

  it("ONBUILD", () => {
    expect(only(df("FROM stagecraft/busybox:1.35", "ONBUILD RUN echo hi"), "onbuild")).toMatchObject([{ line: 2, message: expect.stringMatching(/ONBUILD/) }]);
  });

  it("ADD --checksum and unknown COPY flags, naming the allowed ones", () => {
    expect(only(df("FROM stagecraft/busybox:1.35", "ADD --checksum=sha256:00 a /a"), "instruction-flag")).toMatchObject([{ line: 2, message: expect.stringContaining("Allowed: --chown, --chmod, --link") }]);
    expect(only(df("FROM stagecraft/busybox:1.35", "COPY --parents a /a"), "instruction-flag")).toMatchObject([{ line: 2 }]);
  });

  it("FROM --platform other than the engine's own platform (a mismatch would send the engine to a registry)", () => {
    const [p] = only(df("FROM --platform=linux/arm64 stagecraft/busybox:1.35"), "instruction-flag");
    expect(p).toMatchObject({ line: 1, message: expect.stringMatching(/only for its own platform/) });
    expect(problems(df("FROM --platform=${TARGETPLATFORM} stagecraft/busybox:1.35", "USER 1"))).toEqual([]);
  });

  it("reports every problem at once, in line order", () => {
    const got = problems(df("# syntax=x/y", "FROM node:20", "RUN --network=host curl x", "ADD http://x /x", "ONBUILD RUN x"));
    expect(got.map((p) => [p.rule, p.line])).toEqual([
      ["parser-directive", 1],
      ["base-image-not-allowed", 2],
      ["run-flag", 3],
      ["add-remote-source", 4],
      ["onbuild", 5],
    ]);
  });

  it("everything when allowedImages throws (fail closed)", () => {
    const result = admitDockerfile(GOOD, { ...OPTIONS, allowedImages: () => { throw new Error("boom"); } });
    expect(result.ok).toBe(false);
  });
});
