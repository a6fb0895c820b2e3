import { describe, expect, it } from "vitest";
import { COLD_ARG, coldDockerfile, runCommands } from "./cold";

const TWO_STAGES = `# comment
FROM stagecraft/gcc:12 AS build
WORKDIR /src
RUN make \\
    LDFLAGS="-static -s"

FROM scratch
COPY --from=build /src/crcsum /crcsum
ENTRYPOINT ["/crcsum"]
`;

describe("cold builds on a shared engine", () => {
  it("puts the nonce ARG right after every FROM and changes nothing else", () => {
    const cold = coldDockerfile(TWO_STAGES, "n0nce");
    const lines = cold.split("\n");
    expect(lines[2]).toBe(`ARG ${COLD_ARG}=n0nce`);
    expect(lines[8]).toBe(`ARG ${COLD_ARG}=n0nce`);
    expect(lines.filter((l) => !l.startsWith(`ARG ${COLD_ARG}`)).join("\n")).toBe(TWO_STAGES);
  });

  it("puts it after the last line of a continued FROM", () => {
    const cold = coldDockerfile("FROM \\\n  stagecraft/busybox:1.35\nRUN true\n", "x");
    expect(cold).toBe(`FROM \\\n  stagecraft/busybox:1.35\nARG ${COLD_ARG}=x\nRUN true\n`);
  });

  it("names shell-form RUN commands the way BuildKit's cache records do", () => {
    expect(runCommands(TWO_STAGES)).toEqual(['make LDFLAGS="-static -s"']);
    expect(runCommands('FROM a\nRUN ["/bin/true"]\nrun  echo   hi\n')).toEqual(["echo hi"]);
  });
});
