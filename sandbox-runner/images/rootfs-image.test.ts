import { describe, expect, it } from "vitest";
import { debootstrapCondenser, splitRef } from "./rootfs-image";

describe("rootfs image helpers", () => {
  it("splits a ref into repository and tag, defaulting the tag like the engine does", () => {
    expect(splitRef("stagecraft/debian:bookworm-slim")).toEqual(["stagecraft/debian", "bookworm-slim"]);
    expect(splitRef("localhost:5000/stagecraft/debian")).toEqual(["localhost:5000/stagecraft/debian", "latest"]);
  });

  it("turns debootstrap's per-package lines into one step per phase, keeping every line as output", () => {
    const steps: string[] = [];
    const output: string[] = [];
    const { line } = debootstrapCondenser({ step: (t) => steps.push(t), output: (t) => output.push(t) });
    const lines = [
      "I: Resolving dependencies of base packages...",
      ...["adduser", "apt", "bash"].flatMap((p) => [`I: Retrieving ${p} 1.0`, `I: Validating ${p} 1.0`]),
      "I: Extracting adduser...",
      "I: Extracting apt...",
      "W: Failure trying to run: chroot /x mount -t proc proc /proc",
      "I: Configuring apt...",
      "I: Base system installed successfully.",
    ];
    lines.forEach(line);
    expect(output).toEqual(lines);
    expect(steps).toEqual([
      "debootstrap: Resolving dependencies of base packages...",
      "debootstrap: downloading packages",
      "debootstrap: extracting packages",
      "debootstrap: W: Failure trying to run: chroot /x mount -t proc proc /proc",
      "debootstrap: configuring packages",
      "debootstrap: Base system installed successfully.",
    ]);
  });
});
