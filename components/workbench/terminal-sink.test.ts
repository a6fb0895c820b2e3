import { describe, expect, it } from "vitest";
import { TerminalSink, type TerminalLike } from "./terminal-sink";

function recorder(): TerminalLike & { written: string[] } {
  const written: string[] = [];
  return { written, write: (t) => written.push(t), clear: () => written.push("<clear>") };
}

describe("TerminalSink", () => {
  it("buffers output until a terminal attaches, converting line ends for xterm", () => {
    const sink = new TerminalSink("waiting\n");
    sink.write("#1 FROM x\n#1 DONE\n");
    const term = recorder();
    sink.attach(term);
    sink.write("next\r\n");
    expect(term.written).toEqual(["waiting\r\n", "#1 FROM x\r\n#1 DONE\r\n", "next\r\n"]);
  });

  it("shows the placeholder again on a remount, but not after the first run cleared it", () => {
    const sink = new TerminalSink("waiting\n");
    sink.attach(recorder());
    sink.attach(null);
    const again = recorder();
    sink.attach(again);
    expect(again.written).toEqual(["waiting\r\n"]);
    sink.clear();
    const later = recorder();
    sink.attach(later);
    expect(later.written).toEqual([]);
  });
});
