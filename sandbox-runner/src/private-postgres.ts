/**
 * A private PostgreSQL cluster for tests that must stop the database: `initdb` and `pg_ctl` run as
 * the `postgres` user (`runuser`), in a temporary folder, on a free port, listening on 127.0.0.1
 * only, migrated with the project's own migrations. The machine's shared cluster is never touched.
 * `remove()` stops it (immediate mode) and deletes the folder: call it from `afterAll`. Test-only.
 */
import { execFile, execFileSync } from "node:child_process";
import { chown, mkdtemp, readdir, rm } from "node:fs/promises";
import { existsSync } from "node:fs";
import path from "node:path";
import { promisify } from "node:util";
import { migrateDeploy } from "../../db/migrate-deploy";
import { freePort } from "./test-support";

const run = promisify(execFile);

export type PrivatePostgres = {
  /** `postgresql://postgres@127.0.0.1:<port>/stagecraft` */
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  remove(): Promise<void>;
};

/** The newest installed PostgreSQL's bin folder, or null. */
async function findBin(): Promise<string | null> {
  const base = "/usr/lib/postgresql";
  if (!existsSync(base)) return null;
  const versions = (await readdir(base)).filter((v) => existsSync(path.join(base, v, "bin", "initdb")));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] ? path.join(base, versions[0], "bin") : null;
}

/** Why a private cluster cannot run here, or null when it can. */
export async function privatePostgresUnavailable(): Promise<string | null> {
  if (!(await findBin())) return "PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are not installed";
  if (process.getuid?.() !== 0) return "running initdb as the postgres user needs root (runuser)";
  try {
    await run("id", ["postgres"]);
  } catch {
    return "there is no postgres user";
  }
  return null;
}

export async function startPrivatePostgres(): Promise<PrivatePostgres> {
  const bin = await findBin();
  if (!bin) throw new Error("PostgreSQL server binaries are not installed");
  const dir = await mkdtemp("/tmp/sc-pg-");
  const { stdout: ids } = await run("id", ["-u", "postgres"]);
  const { stdout: gids } = await run("id", ["-g", "postgres"]);
  await chown(dir, Number(ids.trim()), Number(gids.trim()));
  const data = path.join(dir, "data");
  const port = await freePort();
  const asPostgres = (cmd: string, args: string[]) =>
    run("runuser", ["-u", "postgres", "--", path.join(bin, cmd), ...args], { cwd: dir });
  const options = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off`;
  // Last resort, should the test process exit without `remove()`: pg_ctl daemonised the server.
  const stopOnExit = () => {
    try {
      execFileSync("runuser", ["-u", "postgres", "--", path.join(bin, "pg_ctl"), "-D", data, "-m", "immediate", "stop"], { stdio: "ignore" });
    } catch {
      // not running
    }
  };
  process.once("exit", stopOnExit);

  const cluster: PrivatePostgres = {
    url: `postgresql://postgres@127.0.0.1:${port}/stagecraft`,
    async start() {
      await asPostgres("pg_ctl", ["-D", data, "-l", path.join(dir, "server.log"), "-w", "-t", "60", "-o", options, "start"]);
    },
    async stop() {
      await asPostgres("pg_ctl", ["-D", data, "-m", "fast", "-w", "-t", "60", "stop"]);
    },
    async remove() {
      process.off("exit", stopOnExit);
      await asPostgres("pg_ctl", ["-D", data, "-m", "immediate", "-w", "stop"]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  try {
    await asPostgres("initdb", ["-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]);
    await cluster.start();
    await asPostgres("createdb", ["-h", "127.0.0.1", "-p", String(port), "-U", "postgres", "stagecraft"]);
    migrateDeploy(cluster.url);
  } catch (err) {
    await cluster.remove();
    throw err;
  }
  return cluster;
}
