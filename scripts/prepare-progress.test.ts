import { describe, expect, it } from "vitest";
import { initialProgress, nextProgress, progressLine, redraw, type PrepareProgress } from "./prepare-progress";
import type { PrepareEvent } from "../sandbox-runner/images/prepare";

const feed = (events: PrepareEvent[], total: number | null = 11): PrepareProgress =>
  events.reduce((p, e) => nextProgress(p, e, 0), initialProgress(total));

const start = (ref: string, action: "build" | "skip" = "build"): PrepareEvent => ({ type: "image-start", ref, action, reason: "missing" });

describe("images:prepare progress line", () => {
  it("shows a bar from Step n/m, the step, the time and which image of how many", () => {
    const p = feed([start("stagecraft/debian:bookworm-slim", "skip"), start("stagecraft/golang:1.19"), { type: "step", ref: "stagecraft/golang:1.19", text: "Step 3/12 : RUN apt-get install -y gcc" }]);
    expect(progressLine(p, 42_000, 200)).toBe("▸ stagecraft/golang:1.19 (2/11) [█████░░░░░░░░░░░░░░░] 3/12 42s RUN apt-get install -y gcc");
  });

  it("bounces without a step count (debootstrap) and clears when the image ends", () => {
    let p = feed([start("stagecraft/debian:bookworm-slim"), { type: "step", ref: "stagecraft/debian:bookworm-slim", text: "debootstrap: Retrieving packages" }], null);
    const line = progressLine(p, 1_000, 200);
    expect(line).toMatch(/^▸ stagecraft\/debian:bookworm-slim \[░░█░+\] 1s debootstrap: Retrieving packages$/);
    expect(line).not.toMatch(/\d+\/\d+/);
    p = nextProgress(p, {
        type: "image-end",
        outcome: { ref: "stagecraft/debian:bookworm-slim", status: "built", reason: "missing", source: "debootstrap", ms: 1, bytes: 1, imageId: "sha256:1" },
      }, 2_000);
    expect(progressLine(p, 2_000, 200)).toBe("");
  });

  it("fits the terminal width and ignores steps of another image", () => {
    let p = feed([start("stagecraft/node:18")]);
    p = nextProgress(p, { type: "step", ref: "stagecraft/other:1", text: "Step 9/9 : RUN x" }, 0);
    expect(p.current?.step).toBe(0);
    p = nextProgress(p, { type: "step", ref: "stagecraft/node:18", text: `Step 1/4 : RUN ${"x".repeat(300)}` }, 0);
    const line = progressLine(p, 0, 80);
    expect([...line]).toHaveLength(80);
    expect(line.endsWith("…")).toBe(true);
  });

  it("redraws in place: erase the line, print finished lines, then the live line", () => {
    expect(redraw("✔ a: built\n", "▸ b")).toBe("\r\x1b[2K✔ a: built\n▸ b");
  });
});
