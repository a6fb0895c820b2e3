// Downloads one npm release tarball from the registry and checks it against the integrity pinned in
// the Dockerfile before anything unpacks it: the trusted build fetches over the network, so what it
// installs must be exactly what was reviewed.
//
// Usage: node fetch-npm.mjs VERSION INTEGRITY OUT.tgz
import { createHash } from "node:crypto";
import { writeFileSync } from "node:fs";
import https from "node:https";

const [version, integrity, out] = process.argv.slice(2);
if (!version || !integrity?.startsWith("sha512-") || !out) {
  console.error("usage: node fetch-npm.mjs VERSION sha512-… OUT.tgz");
  process.exit(2);
}
const url = `https://registry.npmjs.org/npm/-/npm-${version}.tgz`;

function get(target, redirects = 3) {
  return new Promise((resolve, reject) => {
    https
      .get(target, (res) => {
        if (res.statusCode >= 300 && res.statusCode < 400 && res.headers.location && redirects > 0) {
          res.resume();
          resolve(get(new URL(res.headers.location, target).toString(), redirects - 1));
          return;
        }
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`GET ${target}: HTTP ${res.statusCode}`));
          return;
        }
        const chunks = [];
        res.on("data", (c) => chunks.push(c));
        res.on("end", () => resolve(Buffer.concat(chunks)));
        res.on("error", reject);
      })
      .on("error", reject);
  });
}

try {
  const body = await get(url);
  const actual = `sha512-${createHash("sha512").update(body).digest("base64")}`;
  if (actual !== integrity) {
    console.error(`npm ${version}: checksum mismatch for ${url}\n  expected ${integrity}\n  got      ${actual}`);
    process.exit(1);
  }
  writeFileSync(out, body);
  console.log(`npm ${version}: ${body.length} bytes from ${url}, checksum verified`);
} catch (err) {
  console.error(
    `Could not download npm ${version} from ${url}: ${err.message}\n` +
      "The image build needs the npm registry. Behind a TLS-intercepting proxy, set STAGECRAFT_BUILD_CA_FILE to the proxy's CA bundle.",
  );
  process.exit(1);
}
