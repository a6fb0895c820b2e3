import { mkdtemp, readFile, stat, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readOrCreateSecret } from "./secret-file";

const tempDir = () => mkdtemp(path.join(tmpdir(), "sc-secret-"));

describe("readOrCreateSecret", () => {
  it("creates a 64-hex-character secret readable only by its owner", async () => {
    const dir = path.join(await tempDir(), "nested");
    const secret = await readOrCreateSecret(dir);
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    const info = await stat(path.join(dir, "runner-secret"));
    expect(info.mode & 0o777).toBe(0o600);
  });

  it("returns the same secret on later calls", async () => {
    const dir = await tempDir();
    expect(await readOrCreateSecret(dir)).toBe(await readOrCreateSecret(dir));
  });

  it("agrees on one secret when many callers race to create it", async () => {
    const dir = await tempDir();
    const secrets = await Promise.all(Array.from({ length: 8 }, () => readOrCreateSecret(dir)));
    expect(new Set(secrets).size).toBe(1);
    expect((await readFile(path.join(dir, "runner-secret"), "utf8")).trim()).toBe(secrets[0]);
  });

  it("keeps an existing secret written by someone else", async () => {
    const dir = await tempDir();
    await mkdir(dir, { recursive: true });
    await writeFile(path.join(dir, "runner-secret"), "a-secret-from-the-web-app\n");
    expect(await readOrCreateSecret(dir)).toBe("a-secret-from-the-web-app");
  });
});
