import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import postgres from "postgres";
import { freePort } from "./free-port.ts";
import { waitFor } from "./wait.ts";

export interface PostgresCluster {
  /** a URL to the `postgres` database of this cluster (for createTestDatabase and admin work) */
  adminUrl: string;
  port: number;
  /** an immediate shutdown (SIGQUIT): no checkpoint, crash recovery on the next start */
  crash(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const binDir = () => {
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").sort().reverse() : [];
  for (const version of versions) if (existsSync(`/usr/lib/postgresql/${version}/bin/initdb`)) return `/usr/lib/postgresql/${version}/bin`;
  const fromConfig = spawnSync("pg_config", ["--bindir"], { encoding: "utf8" });
  if (fromConfig.status === 0) return fromConfig.stdout.trim();
  throw new Error("initdb not found: install PostgreSQL's server binaries (Debian: postgresql-15)");
};

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user. */
const runAs = () => {
  if (process.getuid?.() !== 0) return {};
  const id = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (id.status !== 0) throw new Error("running as root, but there is no `postgres` user to run the cluster as");
  return { uid: Number(id.stdout.trim()), gid: Number(gid.stdout.trim()) };
};

/**
 * A private PostgreSQL cluster (initdb into a temporary directory, a free port), so that a test can
 * crash and restart the database without touching the machine's server. `settings` are extra server
 * settings (`-c name=value`).
 */
export async function startPostgresCluster({ settings = {} }: { settings?: Record<string, string> } = {}): Promise<PostgresCluster> {
  const bin = binDir();
  const user = runAs();
  const dir = mkdtempSync(join(tmpdir(), "checkout-pg-"));
  if (user.uid !== undefined) chownSync(dir, user.uid, user.gid!);
  const data = join(dir, "data");
  const init = spawnSync(`${bin}/initdb`, ["-D", data, "-A", "trust", "-U", "postgres", "--no-sync", "-E", "UTF8"], { encoding: "utf8", ...user });
  if (init.status !== 0) throw new Error(`initdb failed:\n${init.stderr}`);
  const port = await freePort();
  const adminUrl = `postgres://postgres@127.0.0.1:${port}/postgres`;
  let child: ChildProcess | undefined;

  const halt = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });

  const cluster: PostgresCluster = {
    adminUrl,
    port,
    async start() {
      child = spawn(`${bin}/postgres`, ["-D", data, "-p", String(port), "-k", dir, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=300", "-c", "fsync=on", ...Object.entries(settings).flatMap(([name, value]) => ["-c", `${name}=${value}`])], {
        stdio: "ignore",
        ...user,
      });
      await waitFor(
        async () => {
          const sql = postgres(adminUrl, { max: 1, connect_timeout: 1, onnotice: () => {} });
          try {
            await sql`SELECT 1`;
            return true;
          } finally {
            await sql.end({ timeout: 1 });
          }
        },
        { timeoutMs: 30_000, intervalMs: 100, what: "the private PostgreSQL cluster" },
      );
    },
    crash: () => halt("SIGQUIT"),
    async stop() {
      await halt("SIGINT"); // fast shutdown
      rmSync(dir, { recursive: true, force: true });
    },
  };
  await cluster.start();
  return cluster;
}
