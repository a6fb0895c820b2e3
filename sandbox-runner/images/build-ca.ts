/**
 * The CA bundle handed to trusted builds that download over HTTPS (the npm registry). Where the
 * machine reaches the internet through a TLS-inspecting proxy, containers do not trust its CA
 * unless they are given the host's; elsewhere the host's system bundle is simply the usual roots.
 * Only fetch stages read it: it never lands in a catalog image.
 */
import { readFile } from "node:fs/promises";

/** Debian's bundle of the system's trusted CAs (ca-certificates). */
export const SYSTEM_CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

/**
 * The first readable file among `candidates` (unset entries are skipped); an empty buffer when
 * none is (the build then trusts the image's own CA certificates). `required` is a file the user
 * named explicitly: failing to read it is an error, not a fallback.
 */
export async function readBuildCaBundle(opts: { required?: string; candidates: readonly (string | undefined)[] }): Promise<Buffer> {
  if (opts.required !== undefined) {
    try {
      return await readFile(opts.required);
    } catch (err) {
      throw new Error(`STAGECRAFT_BUILD_CA_FILE=${opts.required} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
    }
  }
  for (const file of opts.candidates) {
    if (file === undefined || file === "") continue;
    const data = await readFile(file).catch(() => null);
    if (data !== null) return data;
  }
  return Buffer.alloc(0);
}
