import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readBuildCaBundle } from "./build-ca";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), "stagecraft-build-ca-test-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("readBuildCaBundle", () => {
  it("takes the first candidate that can be read, skipping unset and missing ones", async () => {
    await writeFile(path.join(dir, "proxy.pem"), "PROXY CA");
    await writeFile(path.join(dir, "system.pem"), "SYSTEM CAS");
    const bundle = await readBuildCaBundle({
      candidates: [undefined, "", path.join(dir, "missing.pem"), path.join(dir, "proxy.pem"), path.join(dir, "system.pem")],
    });
    expect(bundle.toString()).toBe("PROXY CA");
  });

  it("gives an empty bundle when nothing can be read (the image's own CA certificates are used)", async () => {
    expect((await readBuildCaBundle({ candidates: [path.join(dir, "missing.pem")] })).length).toBe(0);
  });

  it("refuses a file named explicitly that cannot be read instead of falling back", async () => {
    await writeFile(path.join(dir, "system.pem"), "SYSTEM CAS");
    await expect(readBuildCaBundle({ required: path.join(dir, "typo.pem"), candidates: [path.join(dir, "system.pem")] })).rejects.toThrow(
      /STAGECRAFT_BUILD_CA_FILE=.*typo\.pem cannot be read \(ENOENT\)/,
    );
  });
});
