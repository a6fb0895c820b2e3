/**
 * The runner-token secret for single-machine installs: when `STAGECRAFT_SECRET` is unset, the web
 * app and the runner share `.data/runner-secret`, created by whichever process starts first.
 *
 * Uses node:fs, so import it only from server code (the runner, Next.js server modules).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, link, unlink, writeFile } from "node:fs/promises";
import path from "node:path";

const FILE_NAME = "runner-secret";
/** 32 random bytes as hex: 64 characters, well above the 16-character minimum of the env schema. */
const SECRET_BYTES = 32;

/**
 * Returns the secret stored in `<dataDir>/runner-secret`, creating it (mode 0600) when missing.
 *
 * Both processes may start at the same moment, so the file is written under a unique temporary
 * name and then hard-linked into place: `link` fails when the target exists, so exactly one secret
 * wins and nobody ever reads a half-written file.
 *
 * @param dataDir folder for local state. @default ".data"
 */
export async function readOrCreateSecret(dataDir = ".data"): Promise<string> {
  const target = path.join(dataDir, FILE_NAME);
  const existing = await readSecret(target);
  if (existing) return existing;

  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const temp = `${target}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
  await writeFile(temp, randomBytes(SECRET_BYTES).toString("hex") + "\n", { mode: 0o600, flag: "wx" });
  try {
    await link(temp, target);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  } finally {
    await unlink(temp).catch(() => undefined);
  }
  const secret = await readSecret(target);
  if (!secret) throw new Error(`${target} exists but holds no usable secret (need at least 16 characters)`);
  return secret;
}

async function readSecret(file: string): Promise<string | null> {
  try {
    const text = (await readFile(file, "utf8")).trim();
    return text.length >= 16 ? text : null;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
}
