import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { environment } from "@checkout/config";
import { freePort } from "./free-port.ts";

/** deploy/nats/permissions.conf: the users and permissions generated from libs/messaging/src/permissions.ts */
const PERMISSIONS_CONF = new URL("../../../deploy/nats/permissions.conf", import.meta.url);
/** who a connection without credentials is on a secured server: the tests' bus and the CLI */
export const ANONYMOUS_NATS_USER = "operator";

/** The fixed password of a NATS user on a secured test server (deploy reads real ones from the environment). */
export const natsTestCredentials = (user: string) => ({ NATS_USER: user, NATS_PASSWORD: `${user}-test-password` });

/** Where scripts/ensure-nats-2.10.sh puts nats-server 2.10 (gitignored), for the tests that need it. */
export const NATS_2_10_BIN = fileURLToPath(new URL("../../../.cache/nats-server-2.10/nats-server", import.meta.url));

export interface NatsServer {
  url: string;
  /** the server's version, from its start-up log (`2.9.10`) */
  version: string;
  port: number;
  storeDir: string;
  /** the users of permissions.conf, when started with `secured` */
  users: string[];
  /** what the server wrote on stderr so far */
  log(): string;
  /** the permission violations in the log (`Publish Violation - User "inventory", Subject "payments…"`) */
  violations(): string[];
  /** SIGKILL, keeping the store: what a crash looks like */
  kill(): Promise<void>;
  /** start again on the same port and store */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Starts a private nats-server with JetStream on a free port and a temporary store: `bin`, else
 * NATS_SERVER_BIN, else "nats-server" from the PATH.
 * `secured`: with the users and permissions of deploy/nats/permissions.conf, each with the password of
 * natsTestCredentials(user); a connection without credentials is ANONYMOUS_NATS_USER (operator).
 */
export async function startNatsServer({ config, secured = false, bin = environment().NATS_SERVER_BIN || "nats-server" }: { config?: string; secured?: boolean; bin?: string } = {}): Promise<NatsServer> {
  const port = await freePort();
  const storeDir = mkdtempSync(join(tmpdir(), "checkout-nats-"));
  const args = ["-a", "127.0.0.1", "-p", String(port), "-js", "-sd", storeDir];
  const env: Record<string, string | undefined> = { ...environment() };
  const users: string[] = [];
  if (secured) {
    // the deploy file as it is: passwords are `$<USER>_NATS_PASSWORD` references to the server's environment
    const permissions = readFileSync(PERMISSIONS_CONF, "utf8");
    for (const [, user, variable] of permissions.matchAll(/user: "([^"]+)"\s+password: \$([A-Z0-9_]+)/g)) {
      users.push(user!);
      env[variable!] = natsTestCredentials(user!).NATS_PASSWORD;
    }
    config = `${permissions}\nno_auth_user: ${ANONYMOUS_NATS_USER}\n${config ?? ""}`;
  }
  if (config) {
    const file = join(storeDir, "server.conf");
    writeFileSync(file, config);
    args.push("-c", file);
  }
  let child: ChildProcess | undefined;
  let output = "";

  const start = () =>
    new Promise<void>((resolve, reject) => {
      const proc = spawn(bin, args, { stdio: ["ignore", "ignore", "pipe"], env });
      child = proc;
      const from = output.length; // this start's lines (a restart appends to the same log)
      const timer = setTimeout(() => reject(new Error(`nats-server did not start:\n${output.slice(from)}`)), 10_000);
      proc.stderr!.on("data", (chunk: Buffer) => {
        output += chunk.toString();
        if (output.slice(from).includes("Server is ready")) {
          clearTimeout(timer);
          resolve();
        }
      });
      proc.once("error", (error) => {
        clearTimeout(timer);
        reject(new Error(`could not run ${bin}: ${error.message}`));
      });
      proc.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`nats-server exited with ${code}:\n${output.slice(from)}`));
      });
    });

  const halt = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (!child || child.exitCode !== null || child.signalCode) return resolve();
      child.once("exit", () => resolve());
      child.kill(signal);
    });

  await start();
  return {
    url: `nats://127.0.0.1:${port}`,
    version: /\bVersion:\s+(\S+)/.exec(output)?.[1] ?? "unknown",
    port,
    storeDir,
    users,
    log: () => output,
    violations: () => output.split("\n").filter((line) => /\[ERR\].* Violation/.test(line)),
    kill: () => halt("SIGKILL"),
    restart: start,
    async stop() {
      await halt("SIGTERM");
      rmSync(storeDir, { recursive: true, force: true });
    },
  };
}

/**
 * startNatsServer with nats-server 2.10+ (filter_subjects, filter updates; production runs 2.10+):
 * NATS_SERVER_2_10_BIN, else NATS_2_10_BIN. Fails, saying how to get one, when there is none or it is older.
 */
export async function startNatsServer210(options: { config?: string; secured?: boolean } = {}): Promise<NatsServer> {
  const bin = environment().NATS_SERVER_2_10_BIN || NATS_2_10_BIN;
  const howTo = "run `bash scripts/ensure-nats-2.10.sh` (it takes the binary out of Debian trixie's nats-server package; `npm test` runs it), or set NATS_SERVER_2_10_BIN to a nats-server 2.10+ binary";
  if (!existsSync(bin)) throw new Error(`this test needs nats-server 2.10+ and there is none at ${bin}: ${howTo}`);
  const server = await startNatsServer({ ...options, bin });
  const [major = NaN, minor = NaN] = server.version.split(".").map(Number);
  if (!(major > 2 || (major === 2 && minor >= 10))) {
    await server.stop();
    throw new Error(`this test needs nats-server 2.10+ and ${bin} is ${server.version}: ${howTo}`);
  }
  return server;
}
