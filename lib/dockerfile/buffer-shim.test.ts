import { afterEach, describe, expect, it } from "vitest";
import { GOOD } from "./test-fixtures";
import { analyzeDockerfile, installBufferShim, lintDockerfile } from "./index";

const scope = globalThis as { Buffer?: unknown };
const realBuffer = scope.Buffer;

afterEach(() => {
  scope.Buffer = realBuffer;
});

describe("installBufferShim", () => {
  it("leaves an existing Buffer alone", () => {
    installBufferShim();
    expect(scope.Buffer).toBe(realBuffer);
  });

  it("lets dockerfile-ast and dockerfile-utils run where Buffer does not exist (as in a browser)", () => {
    const text = `\uFEFF${GOOD}FROMM oops\n`;
    const expectedModel = analyzeDockerfile(text);
    const expectedLint = lintDockerfile(text);

    delete scope.Buffer;
    // Without the shim the parser fails on the byte-order-mark check; analyzeDockerfile hides that as "no stages".
    expect(analyzeDockerfile(text).stages).toEqual([]);

    installBufferShim();
    expect(scope.Buffer).toBeDefined();
    expect(scope.Buffer).not.toBe(realBuffer);
    expect(analyzeDockerfile(text)).toEqual(expectedModel);
    expect(lintDockerfile(text)).toEqual(expectedLint);
    expect(expectedModel.stages).toHaveLength(2);
    expect(expectedLint.some((d) => d.rule === "syntax/unknown-instruction")).toBe(true);
  });
});
