import { describe, expect, it } from "vitest";
import { expandArgs } from "./args";
import { analyze } from "./analysis";

const values = new Map<string, string | null>([
  ["IMG", "stagecraft/golang:1.19"],
  ["EMPTY", ""],
  ["NODEFAULT", null],
]);

describe("expandArgs", () => {
  it.each([
    ["$IMG", "stagecraft/golang:1.19"],
    ["${IMG}", "stagecraft/golang:1.19"],
    ["stagecraft/gcc:${TAG:-12}", "stagecraft/gcc:12"],
    ["${EMPTY:-stagecraft/gcc:12}", "stagecraft/gcc:12"],
    ["${EMPTY-x}", ""],
    ["${IMG:+set}", "set"],
    ["${NODEFAULT+set}", ""],
    ["plain", "plain"],
  ])("%s → %s", (word, expected) => {
    expect(expandArgs(word, values)).toBe(expected);
  });

  it("returns null when the value depends on a build arg we never pass", () => {
    expect(expandArgs("$NODEFAULT", values)).toBeNull();
    expect(expandArgs("$UNDECLARED", values)).toBeNull();
  });
});

describe("global ARG resolution", () => {
  it("resolves FROM through ARGs that refer to earlier ARGs, only from before the first FROM", () => {
    const analysis = analyze('ARG REPO=stagecraft/golang\nARG IMG="${REPO}:1.19"\nFROM $IMG\nARG LATE=x\nFROM $LATE\n');
    expect(analysis.stages.map((s) => s.resolvedBase)).toEqual(["stagecraft/golang:1.19", null]);
  });

  it("lets a later declaration win, also within one ARG line", () => {
    expect(analyze("ARG IMG=stagecraft/golang:1.19 IMG=node:20\nFROM $IMG\n").stages[0]?.resolvedBase).toBe("node:20");
    expect(analyze("ARG IMG=a:1\nARG IMG=b:2\nFROM $IMG\n").stages[0]?.resolvedBase).toBe("b:2");
  });

  it("treats defaults written with escapes or mid-word quotes as unresolved", () => {
    for (const arg of ['IMG="stagecraft/golang:1.19"x', "IMG=stagecraft/golang\\:1.19", "IMG=a\\ b"]) {
      expect(analyze(`ARG ${arg}\nFROM $IMG\n`).stages[0]?.resolvedBase, arg).toBeNull();
    }
    expect(analyze("ARG IMG='stagecraft/gcc:12'\nFROM $IMG\n").stages[0]?.resolvedBase).toBe("stagecraft/gcc:12");
  });
});
