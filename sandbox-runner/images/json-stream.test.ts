import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { readEngineStream, type EngineLine } from "./json-stream";

function feed(chunks: string[]): PassThrough {
  const stream = new PassThrough();
  setImmediate(() => {
    for (const chunk of chunks) stream.write(chunk);
    stream.end();
  });
  return stream;
}

describe("engine JSON-line streams", () => {
  it("reassembles lines split across chunks", async () => {
    const lines: EngineLine[] = [];
    await readEngineStream(feed(['{"stream":"Step 1/2 : FROM', ' x\\n"}\n{"stat', 'us":"done"}\n']), (l) => lines.push(l));
    expect(lines).toEqual([{ stream: "Step 1/2 : FROM x\n" }, { status: "done" }]);
  });

  it("rejects with the engine's message when a line reports an error inside an HTTP 200", async () => {
    const stream = feed([
      '{"stream":"Step 2/2 : RUN false\\n"}\n',
      '{"errorDetail":{"code":1,"message":"The command \'/bin/sh -c false\' returned a non-zero code: 1"},"error":"x"}\n',
    ]);
    await expect(readEngineStream(stream, () => {})).rejects.toThrow("returned a non-zero code: 1");
  });

  it("keeps a line that is not JSON visible instead of dropping it", async () => {
    const lines: EngineLine[] = [];
    await readEngineStream(feed(["plain text"]), (l) => lines.push(l));
    expect(lines).toEqual([{ stream: "plain text\n" }]);
  });
});
