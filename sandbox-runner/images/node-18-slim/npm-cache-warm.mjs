// Fills the image's npm cache with every package of every lockfile under DIR, then proves that each
// lockfile installs with no network: a learner's `npm ci` must never meet a package we forgot.
//
// Usage: node npm-cache-warm.mjs DIR   (NPM_CONFIG_CACHE names the cache; the network is needed)
//
// Each lockfile sits in its own folder, with the package.json it belongs to when there is one
// (images:prepare copies the dependency fields only); without one, the lockfile's root entry is
// the package.json, which is exactly what `npm ci` compares the lockfile against.
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

const root = process.argv[2];
if (!root) {
  console.error("usage: node npm-cache-warm.mjs DIR");
  process.exit(2);
}

function findLockfiles(dir) {
  const found = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findLockfiles(full));
    else if (entry.name === "package-lock.json") found.push(full);
  }
  return found.sort();
}

function fail(label, message) {
  console.error(`\nnpm cache: ${label}: ${message}`);
  process.exit(1);
}

/** The package.json `npm ci` will compare the lockfile with. */
function manifestFor(label, lockPath) {
  let lock;
  try {
    lock = JSON.parse(readFileSync(lockPath, "utf8"));
  } catch (err) {
    fail(label, `not valid JSON (${err.message})`);
  }
  const rootEntry = lock?.packages?.[""];
  if (!(lock.lockfileVersion >= 2) || typeof rootEntry !== "object") {
    fail(label, `lockfileVersion ${lock.lockfileVersion} has no "packages" map; make it with npm 7 or later: npm install --package-lock-only`);
  }
  const own = path.join(path.dirname(lockPath), "package.json");
  if (existsSync(own)) {
    try {
      return JSON.parse(readFileSync(own, "utf8"));
    } catch (err) {
      fail(label, `its package.json is not valid JSON (${err.message})`);
    }
  }
  const { name = "lockfile", version = "0.0.0", ...rest } = rootEntry;
  const pick = ["dependencies", "devDependencies", "optionalDependencies", "peerDependencies", "peerDependenciesMeta"];
  return { name, version, ...Object.fromEntries(pick.filter((k) => rest[k]).map((k) => [k, rest[k]])) };
}

function npm(cwd, args) {
  return spawnSync("npm", args, { cwd, stdio: "inherit", env: process.env }).status;
}

const lockfiles = findLockfiles(root);
let packages = 0;
for (const lockPath of lockfiles) {
  const label = path.relative(root, lockPath);
  const manifest = manifestFor(label, lockPath);
  const work = mkdtempSync(path.join(tmpdir(), "npm-warm-"));
  copyFileSync(lockPath, path.join(work, "package-lock.json"));
  writeFileSync(path.join(work, "package.json"), JSON.stringify(manifest, null, 2));
  const common = ["ci", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=warn"];
  console.log(`npm cache: ${label}`);
  if (npm(work, [...common, "--offline=false"]) !== 0) {
    fail(
      label,
      "npm could not fetch every package of this lockfile (npm's error is above). Regenerate the lockfile on the host with `npm install --package-lock-only` and check that each package exists on the npm registry.",
    );
  }
  rmSync(path.join(work, "node_modules"), { recursive: true, force: true });
  if (npm(work, [...common, "--offline"]) !== 0) {
    fail(label, "the packages were fetched but `npm ci --offline` still fails (npm's error is above)");
  }
  const lock = JSON.parse(readFileSync(lockPath, "utf8"));
  packages += Object.keys(lock.packages).filter((k) => k !== "").length;
  rmSync(work, { recursive: true, force: true });
}
console.log(`npm cache: ${lockfiles.length} lockfile(s), ${packages} package entries, all installable offline`);
