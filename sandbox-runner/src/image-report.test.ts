import { describe, expect, it } from "vitest";
import type { DockerfileModel } from "../../lib/dockerfile/index";
import type { BuildStep } from "../../lib/protocol";
import { cleanInstruction, cmdFormOf, finalBaseImage, layersOf, redactValues, stagesOf, type HistoryEntry } from "./image-report";
import { stageOf } from "./step-tracker";

describe("cleanInstruction", () => {
  it.each([
    ["RUN /bin/sh -c go build -o /out/app . # buildkit", "RUN go build -o /out/app ."],
    ["RUN |2 GREETING=hi OTHER=x /bin/sh -c echo $GREETING > /g # buildkit", "RUN echo $GREETING > /g"],
    ["RUN |1 MSG=two words /bin/sh -c make # buildkit", "RUN make"],
    ["RUN |2 GREETING=hi OTHER=x sh -c echo exec > /app/e.txt # buildkit", "RUN sh -c echo exec > /app/e.txt"],
    ["RUN /bin/bash -c set -e; make # buildkit", "RUN set -e; make"],
    ["COPY /out.txt /out.txt # buildkit", "COPY /out.txt /out.txt"],
    ['CMD ["cat" "/out.txt"]', 'CMD ["cat" "/out.txt"]'],
    ["WORKDIR /app", "WORKDIR /app"],
    ["USER 1000", "USER 1000"],
    // classic builder
    ['/bin/sh -c #(nop)  CMD ["sh"]', 'CMD ["sh"]'],
    ["/bin/sh -c #(nop) ADD file:abc in / ", "ADD file:abc in /"],
    ["/bin/sh -c apt-get update", "RUN apt-get update"],
    ["|1 VERSION=1.2 /bin/sh -c make", "RUN make"],
    // prettified Go dumps
    ["EXPOSE map[8080/tcp:{} 9090/tcp:{}]", "EXPOSE 8080/tcp 9090/tcp"],
    ['HEALTHCHECK &{["CMD-SHELL" "wget -q -O- http://127.0.0.1:8080/ || exit 1"] "5s" "0s" "0s" \'\\x00\'}', "HEALTHCHECK CMD wget -q -O- http://127.0.0.1:8080/ || exit 1"],
    ['HEALTHCHECK &{["CMD" "/app/health" "--quiet"] "0s" "0s" "0s" \'\\x00\'}', 'HEALTHCHECK CMD ["/app/health","--quiet"]'],
    ['HEALTHCHECK &{["NONE"] "0s" "0s" "0s" \'\\x00\'}', "HEALTHCHECK NONE"],
  ])("%s → %s", (raw, clean) => {
    expect(cleanInstruction(raw)).toBe(clean);
  });

  it("never passes ENV or ARG values on, even ones with spaces", () => {
    expect(cleanInstruction("ENV SECRET_TOKEN=abc123 PLAIN=1")).toBe("ENV SECRET_TOKEN=… PLAIN=…");
    expect(cleanInstruction("ARG GREETING=hello world")).toBe("ARG GREETING=…");
    expect(cleanInstruction("/bin/sh -c #(nop)  ENV GOPATH=/go")).toBe("ENV GOPATH=…");
    expect(cleanInstruction("ARG VERSION")).toBe("ARG VERSION");
    expect(redactValues("KEY some secret value")).toBe("KEY …");
  });

  it("names an imported base filesystem instead of showing nothing", () => {
    expect(cleanInstruction("", "Imported from -")).toBe("(imported filesystem)");
    expect(cleanInstruction("", "stagecraft: debootstrap --variant=minbase bookworm")).toBe("(stagecraft: debootstrap --variant=minbase bookworm)");
    expect(cleanInstruction("")).toBe("");
  });
});

describe("cmdFormOf", () => {
  it("calls a /bin/sh -c wrapper shell form, in CMD or ENTRYPOINT", () => {
    expect(cmdFormOf(["/bin/sh", "-c", "./run --flag"], null)).toBe("shell");
    expect(cmdFormOf(["--port", "80"], ["/bin/sh", "-c", "echo start"])).toBe("shell");
    expect(cmdFormOf(["/bin/bash", "-c", "x"], null)).toBe("shell"); // after SHELL ["/bin/bash","-c"]
  });
  it("calls a direct argv exec form, and nothing at all none", () => {
    expect(cmdFormOf(["/app/server"], null)).toBe("exec");
    expect(cmdFormOf(null, ["/app/server"])).toBe("exec");
    expect(cmdFormOf(["/bin/sh"], null)).toBe("exec");
    expect(cmdFormOf(null, null)).toBe("none");
    expect(cmdFormOf([], null)).toBe("none");
  });
});

const stage = (index: number, name: string | null, base: string, copyFrom: string[] = []) => ({
  index,
  name,
  base,
  fromLine: index * 3 + 1,
  copyFrom: copyFrom.map((source) => ({ source, line: index * 3 + 2 })),
});
// Steps as the build's step tracker makes them, `stage` included.
const step = (name: string, n = 1): BuildStep => {
  const stage = stageOf(name);
  return { id: `sha256:${name}`, number: n, name, status: "finished", ...(stage && { stage }) };
};

describe("stagesOf", () => {
  // The Dockerfile of the engine test: builder, unused, copyonly, derived (FROM builder), final.
  const model: DockerfileModel = {
    stages: [
      stage(0, "builder", "stagecraft/busybox:1.35"),
      stage(1, "unused", "stagecraft/busybox:1.35"),
      stage(2, "copyonly", "stagecraft/busybox:1.35"),
      stage(3, "derived", "builder"),
      stage(4, null, "stagecraft/busybox:1.35", ["derived", "copyonly"]),
    ],
  };
  // What BuildKit really sent for it: the shared FROM vertex carries only one stage's name.
  const steps = [
    step("[internal] load metadata for docker.io/stagecraft/busybox:1.35"),
    step("[copyonly 1/2] FROM docker.io/stagecraft/busybox:1.35"),
    step("[builder 2/2] RUN echo built > /out.txt"),
    step("[derived 1/1] RUN echo more >> /out.txt"),
    step("[stage-4 2/3] COPY --from=derived /out.txt /out.txt"),
    step("[copyonly 2/2] COPY hello.txt /hello.txt"),
  ];

  it("marks stages with steps built and a stage nothing needs skipped", () => {
    const stages = stagesOf(model, steps);
    expect(stages.map((s) => [s.name, s.built])).toEqual([
      ["builder", true],
      ["unused", false],
      ["copyonly", true],
      ["derived", true],
      [null, true],
    ]);
    expect(stages[4]?.copiesFrom).toEqual(["derived", "copyonly"]);
  });

  it("counts a stage whose only steps were merged into another stage's as built", () => {
    // `FROM x AS tools` with no instructions of its own: its FROM vertex is the builder's.
    const m: DockerfileModel = { stages: [stage(0, "builder", "x"), stage(1, "tools", "x"), stage(2, null, "x", ["tools", "0"])] };
    const built = stagesOf(m, [step("[builder 1/1] FROM docker.io/library/x"), step("[stage-2 2/2] COPY --from=tools / /")]);
    expect(built.map((s) => s.built)).toEqual([true, true, true]);
  });

  it("reads a one-stage build's unprefixed steps as the final stage", () => {
    const m: DockerfileModel = { stages: [stage(0, null, "x")] };
    expect(stagesOf(m, [step("[1/2] FROM docker.io/library/x")])[0]?.built).toBe(true);
  });

  it("does not treat a COPY --from mention as the source stage's own step", () => {
    const m: DockerfileModel = { stages: [stage(0, "a", "x"), stage(1, "b", "x"), stage(2, null, "scratch")] };
    const built = stagesOf(m, [step("[stage-2 1/1] COPY --from=a /x /x")]);
    expect(built.map((s) => s.built)).toEqual([false, false, true]);
  });
});

describe("finalBaseImage", () => {
  it("follows FROM <stage> back to an image, and knows scratch has none", () => {
    expect(finalBaseImage({ stages: [stage(0, "builder", "stagecraft/golang:1.19"), stage(1, null, "stagecraft/busybox:1.35")] })).toBe(
      "stagecraft/busybox:1.35",
    );
    expect(finalBaseImage({ stages: [stage(0, "base", "stagecraft/debian:bookworm-slim"), stage(1, "mid", "base"), stage(2, null, "MID")] })).toBe(
      "stagecraft/debian:bookworm-slim",
    );
    expect(finalBaseImage({ stages: [stage(0, "b", "x"), stage(1, null, "scratch")] })).toBeNull();
    expect(finalBaseImage({ stages: [] })).toBeNull();
  });
});

describe("layersOf", () => {
  const entry = (CreatedBy: string, Size: number, Created = 100): HistoryEntry => ({ CreatedBy, Size, Created });
  const base = [entry('/bin/sh -c #(nop)  CMD ["sh"]', 0, 2), entry("", 1_984_224, 1)]; // newest first, like the API
  it("lists layers oldest first and marks the base image's prefix", () => {
    const final = [entry('CMD ["/app"]', 0), entry("COPY /app /app # buildkit", 5000), ...base];
    expect(layersOf(final, base)).toEqual([
      { instruction: "", sizeBytes: 1_984_224, fromBase: true, empty: false },
      { instruction: 'CMD ["sh"]', sizeBytes: 0, fromBase: true, empty: true },
      { instruction: "COPY /app /app", sizeBytes: 5000, fromBase: false, empty: false },
      { instruction: 'CMD ["/app"]', sizeBytes: 0, fromBase: false, empty: true },
    ]);
  });
  it("marks nothing as base when the histories differ from the start (scratch, unknown base)", () => {
    expect(layersOf([entry("COPY /app /app # buildkit", 10)], base).map((l) => l.fromBase)).toEqual([false]);
    expect(layersOf([entry("COPY /app /app # buildkit", 10)], []).map((l) => l.fromBase)).toEqual([false]);
  });
});
