import { describe, expect, it } from "vitest";
import type { BuildStep } from "./protocol";
import { createPlainRenderer, createTextSanitizer, sanitizeTerminalText, terminalText } from "./progress-render";

const step = (over: Partial<BuildStep>): BuildStep => ({
  id: "sha256:run",
  number: 3,
  name: "[builder 2/4] RUN go build -o /out/app .",
  status: "started",
  ...over,
});

describe("sanitizeTerminalText", () => {
  it("strips colour (CSI), title (OSC with BEL or ST) and other escapes", () => {
    expect(sanitizeTerminalText("\u001b[1;31mred\u001b[0m")).toBe("red");
    expect(sanitizeTerminalText("a\u001b]0;pwned\u0007b")).toBe("ab");
    expect(sanitizeTerminalText("a\u001b]8;;http://evil/\u001b\\link\u001b]8;;\u001b\\b")).toBe("alinkb");
    expect(sanitizeTerminalText("a\u001bPq#0;2;0;0;0\u001b\\b")).toBe("ab"); // DCS (sixel)
    expect(sanitizeTerminalText("a\u001bcb\u001b(Bc")).toBe("abc"); // reset, charset
    expect(sanitizeTerminalText("a\u009b2Jb\u009d0;t\u009cc")).toBe("abc"); // 8-bit C1 forms
  });

  it("keeps newlines and tabs, drops other control characters", () => {
    expect(sanitizeTerminalText("a\tb\nc\u0000\u0007\u0008\u007fd")).toBe("a\tb\ncd");
  });

  it("turns CRLF into LF and a lone CR into LF so nothing overwrites earlier output", () => {
    expect(sanitizeTerminalText("one\r\ntwo\r\n")).toBe("one\ntwo\n");
    expect(sanitizeTerminalText("10%\r50%\r100%\n")).toBe("10%\n50%\n100%\n");
  });

  it("leaves ordinary text (including non-ASCII) alone", () => {
    expect(sanitizeTerminalText("go: café ✓ [1/2] 100%")).toBe("go: café ✓ [1/2] 100%");
  });
});

describe("createTextSanitizer", () => {
  it("holds back an escape sequence split across chunks", () => {
    const s = createTextSanitizer();
    expect(s.push("red: \u001b[3")).toBe("red: ");
    expect(s.push("1mRED\u001b[0m done")).toBe("RED done");
    expect(s.end()).toBe("");
  });

  it("holds back an OSC whose string terminator is split", () => {
    const s = createTextSanitizer();
    expect(s.push("a\u001b]0;title\u001b")).toBe("a");
    expect(s.push("\\b")).toBe("b");
  });

  it("does not stall on a malformed sequence", () => {
    const s = createTextSanitizer();
    expect(s.push("a\u001b[1\nb")).toBe("a\nb");
    expect(s.push("c\u001b\nd")).toBe("c\nd");
  });

  it("runs in linear time on hostile input and resumes text after an endless OSC", () => {
    const hostile = "\u001b]".repeat(512 * 1024) + "\u001b[".repeat(512 * 1024);
    const t0 = performance.now();
    sanitizeTerminalText(hostile);
    expect(performance.now() - t0).toBeLessThan(1_000);
    expect(sanitizeTerminalText("\u001b]0;" + "x".repeat(5_000) + "visible")).toContain("visible");
  });

  it("does not double a CRLF split across chunks", () => {
    const s = createTextSanitizer();
    expect(s.push("a\r") + s.push("\nb") + s.end()).toBe("a\nb");
    const t = createTextSanitizer();
    expect(t.push("a\r") + t.push("b") + t.end()).toBe("a\nb");
  });

  it("drops an escape sequence that never ends", () => {
    const s = createTextSanitizer();
    expect(s.push("x\u001b]0;never ending")).toBe("x");
    expect(s.end()).toBe("");
  });
});

describe("createPlainRenderer", () => {
  const clock = () => {
    let t = 1_000;
    return { now: () => t, advance: (ms: number) => (t += ms) };
  };

  it("renders a step like --progress=plain: header, timed output lines, DONE", () => {
    const c = clock();
    const r = createPlainRenderer({ now: c.now });
    let out = r.step(step({}));
    c.advance(512);
    out += r.log("sha256:run", "compiling\nlinking");
    c.advance(100);
    out += r.log("sha256:run", " done\n");
    out += r.step(step({ status: "finished", durationMs: 412 }));
    expect(out).toBe(
      "#3 [builder 2/4] RUN go build -o /out/app .\n" +
        "#3 0.512 compiling\n" +
        "#3 0.612 linking done\n" +
        "#3 DONE 0.4s\n",
    );
  });

  it("separates steps with a blank line and prints CACHED for cached steps", () => {
    const r = createPlainRenderer({ now: () => 0 });
    const out =
      r.step(step({ id: "a", number: 1, name: "[internal] load build definition", status: "finished", durationMs: 20 })) +
      r.step(step({ id: "b", number: 2, name: "[builder 1/4] FROM stagecraft/golang:1.19", status: "cached" }));
    expect(out).toBe("#1 [internal] load build definition\n#1 DONE 0.0s\n\n#2 [builder 1/4] FROM stagecraft/golang:1.19\n#2 CACHED\n");
  });

  it("prints nothing when the same status arrives again", () => {
    const r = createPlainRenderer();
    r.step(step({}));
    expect(r.step(step({}))).toBe("");
  });

  it("flushes a partial output line before the error", () => {
    const r = createPlainRenderer({ now: () => 0 });
    r.step(step({}));
    const out = r.log("sha256:run", "main.go:3: undefined: x") + r.step(step({ status: "failed", error: "exit code: 2" }));
    expect(out).toBe("#3 0.000 main.go:3: undefined: x\n#3 ERROR: exit code: 2\n");
  });

  it("sanitises output and names, and passes runner notes through unprefixed", () => {
    const r = createPlainRenderer({ now: () => 0 });
    expect(r.step(step({ name: "RUN echo \u001b]0;x\u0007hi" }))).toBe("#3 RUN echo hi\n");
    expect(r.log("sha256:run", "\u001b[2J\u001b[Hcleared\n")).toBe("#3 0.000 cleared\n");
    expect(r.log(undefined, "Build stopped: log limit\n")).toBe("Build stopped: log limit\n");
  });
});

describe("terminalText", () => {
  it("sanitises error messages and their problems, which can quote the learner's Dockerfile", () => {
    const runId = "00000000-0000-4000-8000-000000000000";
    const quoted = "`busybox\u001b]52;c;eA==\u0007\u009b2J` is not offered";
    const text = terminalText(createPlainRenderer(), {
      type: "error",
      runId,
      code: "admission_rejected",
      message: `line 1: ${quoted}`,
      problems: [
        { rule: "base-image-not-allowed", line: 1, message: quoted },
        { rule: "syntax/x", line: 1, message: "bad\nreference\u001b[31m" },
      ],
    });
    expect(text).toBe("\nline 1: `busybox` is not offered\n  line 1: `busybox` is not offered\n  line 1: bad reference\n");
  });
});
