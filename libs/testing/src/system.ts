import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { freePort } from "./free-port.ts";
import { createTestDatabase, redisPrefix, REDIS_URL, type TestDatabase } from "./databases.ts";
import { natsTestCredentials, startNatsServer, type NatsServer } from "./nats-server.ts";
import { waitFor } from "./wait.ts";
import { TEST_JWT_SECRET } from "./auth.ts";
import { environment } from "@checkout/config";
import { bundlePath } from "../../../scripts/production.ts";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

export type ServiceName = "orders" | "inventory" | "payments" | "shipping" | "notifications" | "stripe-sim";

export const ALL_SERVICES: ServiceName[] = ["stripe-sim", "inventory", "payments", "shipping", "notifications", "orders"];

export interface RunningProcess {
  name: ServiceName;
  url: string;
  port: number;
  env: Record<string, string>;
  /** SIGKILL: a crash, no drain */
  kill(): Promise<void>;
  /** SIGTERM: the graceful drain */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** false once the process has exited, whoever ended it */
  alive(): boolean;
  output(): string;
}

export interface TestSystem {
  nats: NatsServer;
  databases: Record<string, TestDatabase>;
  services: Record<ServiceName, RunningProcess>;
  url(name: ServiceName): string;
  stop(): Promise<void>;
}

/**
 * The whole system as separate processes, each started from its own main.ts through tsx (or, with
 * `built`, from its bundle), on a private nats-server, fresh databases and a private Redis prefix: what
 * the e2e tests drive over HTTP and NATS.
 */
export async function startSystem({
  env = {},
  services = ALL_SERVICES,
  label = "e2e",
  pgAdminUrl,
  built = false,
  node,
}: {
  env?: Partial<Record<ServiceName, Record<string, string>>>;
  services?: ServiceName[];
  label?: string;
  pgAdminUrl?: string;
  /** run the bundles of `npm run build` (apps/<name>/dist/main.mjs) instead of the sources through tsx */
  built?: boolean;
  /** with `built`: the Node binary that runs the bundles (the production image's Node 24, say); else this one */
  node?: string | undefined;
} = {}): Promise<TestSystem> {
  const nats = await startNatsServer({ secured: true }); // each service connects as its own NATS user
  const databases: Record<string, TestDatabase> = {};
  const running = {} as Record<ServiceName, RunningProcess>;
  // a start that fails half-way takes down what it had started: no stray nats-server, database or process
  const undo = async () => {
    for (const service of Object.values(running)) await service.kill();
    for (const db of Object.values(databases)) await db.drop().catch(() => {});
    await nats.stop();
  };
  let url!: (name: ServiceName) => string;
  try {
    for (const name of ["orders", "inventory", "payments", "shipping", "notifications"]) databases[name] = await createTestDatabase(`${label}_${name}`, pgAdminUrl);
    const ports = Object.fromEntries(await Promise.all(services.map(async (name) => [name, await freePort()] as const))) as Record<ServiceName, number>;
    url = (name: ServiceName) => `http://127.0.0.1:${ports[name]}`;
    const common = { NATS_URL: nats.url, LOG_LEVEL: "warn", NODE_ENV: "test", HOST: "127.0.0.1", ACK_WAIT_MS: "3000", DATABASE_POOL_MAX: "4", AUTH_JWT_SECRET: TEST_JWT_SECRET };
    // many requests from one test shopper and one address: limits far above what a test sends
    const rateLimits = { RATE_LIMIT_PER_USER_PER_MINUTE: "1000000", RATE_LIMIT_PER_IP_PER_MINUTE: "1000000" };
    const envOf: Record<ServiceName, Record<string, string>> = {
      "stripe-sim": { STRIPE_SIM_PORT: String(ports["stripe-sim"]) },
      inventory: { ...common, PORT: String(ports.inventory), DATABASE_URL: databases.inventory!.url },
      payments: { ...common, PORT: String(ports.payments), DATABASE_URL: databases.payments!.url, STRIPE_API_URL: url("stripe-sim") },
      shipping: { ...common, PORT: String(ports.shipping), DATABASE_URL: databases.shipping!.url },
      notifications: { ...common, PORT: String(ports.notifications), DATABASE_URL: databases.notifications!.url },
      orders: { ...common, PORT: String(ports.orders), DATABASE_URL: databases.orders!.url, REDIS_URL, REDIS_PREFIX: redisPrefix(label), INVENTORY_URL: url("inventory"), SEED_CATALOG: "true", ...rateLimits },
    };

    for (const name of services) {
      running[name] = spawnService(name, url(name), ports[name], { ...envOf[name], ...(name === "stripe-sim" ? {} : natsTestCredentials(name)), ...(env[name] ?? {}) }, { built, node });
      await running[name].start();
    }
  } catch (error) {
    await undo();
    throw error;
  }

  return {
    nats,
    databases,
    services: running,
    url,
    async stop() {
      for (const name of [...services].reverse()) await running[name].stop();
      const violations = nats.violations();
      for (const db of Object.values(databases)) await db.drop();
      await nats.stop();
      if (violations.length) throw new Error(`nats-server refused what a service or the test did (see deploy/nats/permissions.conf):\n${violations.join("\n")}`);
    },
  };
}

export function spawnService(name: ServiceName, url: string, port: number, env: Record<string, string>, { built = false, node }: { built?: boolean; node?: string | undefined } = {}): RunningProcess {
  const args = built ? [bundlePath(name)] : ["--import", "tsx", `apps/${name}/src/main.ts`];
  if (built && !existsSync(`${ROOT}${bundlePath(name)}`)) throw new Error(`${bundlePath(name)} does not exist: run npm run build`);
  if (node && !built) throw new Error("another Node runs the bundles only (built: true): the sources need this process's tsx");
  let child: ChildProcess | undefined;
  let output = "";
  const exited = () => !child || child.exitCode !== null || child.signalCode !== null;
  const halt = (signal: NodeJS.Signals) =>
    new Promise<void>((resolve) => {
      if (exited()) return resolve();
      child!.once("exit", () => resolve());
      child!.kill(signal);
    });
  return {
    name,
    url,
    port,
    env,
    output: () => output,
    alive: () => !exited(),
    kill: () => halt("SIGKILL"),
    stop: () => halt("SIGTERM"),
    async start() {
      child = spawn(node ?? process.execPath, args, {
        cwd: ROOT,
        env: { PATH: environment().PATH ?? "", ...env },
        stdio: ["ignore", "pipe", "pipe"],
      });
      child.stdout!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      await waitFor(
        async () => {
          if (exited()) throw new Error(`${name} exited:\n${output}`);
          const response = await fetch(`${url}/${name === "stripe-sim" ? "_sim/config" : "readyz"}`).catch(() => undefined);
          return response?.ok;
        },
        { timeoutMs: 30_000, intervalMs: 100, what: `${name} to be ready` },
      ).catch((error) => {
        throw new Error(`${(error as Error).message}\n--- ${name} output ---\n${output}`);
      });
    },
  };
}
