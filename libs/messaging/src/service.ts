import type { Hono } from "hono";
import { connect, ensureDatabase, migrate, onStuckTransaction, type Sql } from "@checkout/db";
import { createLogger, type Logger } from "@checkout/log";
import { createApp, createMetrics, listen, settleRouter, usesRegExpRouter, type AppEnv, type Metrics, type ReadinessCheck } from "@checkout/http";
import { startMessaging, type Messaging, type MessagingOptions } from "./runtime.ts";
import type { BucketSpec } from "./topology.ts";
import type { AnyEvent } from "./handler.ts";
import { mountDeadLetterRoutes } from "./dlq/routes.ts";
import { startInboxPruner } from "./inbox-pruner.ts";

export interface ServiceConfig {
  LOG_LEVEL: string;
  HOST: string;
  PORT: number;
  DATABASE_URL: string;
  NATS_URL: string;
  NATS_USER?: string | undefined;
  NATS_PASSWORD?: string | undefined;
  MAX_DELIVERIES: number;
  CONSUMER_CONCURRENCY: number;
  CONSUMER_BATCH: number;
  ACK_WAIT_MS: number;
  DATABASE_POOL_MAX: number;
  INBOX_RETENTION_MS: number;
  SHUTDOWN_GRACE_MS: number;
  /** the HS256 key of the bearer tokens: createApp lets only admins into /admin/* */
  AUTH_JWT_SECRET: string;
}

export interface ServiceParts {
  sql: Sql;
  log: Logger;
  metrics: Metrics;
  messaging: Messaging;
  /** PostgreSQL and NATS checks for /readyz */
  readiness: Record<string, ReadinessCheck>;
}

export interface RunningService extends ServiceParts {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/**
 * config → PostgreSQL (database created and migrated) → NATS (streams, buckets, relay, consumers) →
 * HTTP (health, readiness, metrics, the service's routes) → listening. `stop()` drains in reverse.
 */
export async function runService({
  name,
  config,
  migrations,
  seed,
  buckets = [],
  handlers,
  routes,
  app: buildApp,
  workers = [],
  log = createLogger({ service: name, level: config.LOG_LEVEL }),
  beforeAck,
  ackWaitMs,
  poolSize = config.DATABASE_POOL_MAX,
  consumers = { concurrency: config.CONSUMER_CONCURRENCY, batchSize: config.CONSUMER_BATCH },
}: {
  name: string;
  config: ServiceConfig;
  migrations: string[];
  /** runs after the migrations, before the bus: demo data for development */
  seed?: (sql: Sql) => Promise<void>;
  buckets?: BucketSpec[];
  handlers: MessagingOptions["handlers"];
  routes?: (parts: ServiceParts) => Hono<AppEnv>;
  /** the whole HTTP app, for a service that builds its own with createApp (instead of `routes`) */
  app?: (parts: ServiceParts) => Hono<any>;
  /** background loops that live as long as the service (started after the bus, stopped before it) */
  workers?: Array<(parts: ServiceParts) => Promise<{ stop(): Promise<void> }>>;
  log?: Logger;
  beforeAck?: (event: AnyEvent) => boolean | Promise<boolean>;
  ackWaitMs?: number;
  poolSize?: number;
  /** transactions in flight per consumer, and messages per transaction (CONSUMER_CONCURRENCY, CONSUMER_BATCH) */
  consumers?: { concurrency: number; batchSize: number };
}): Promise<RunningService> {
  const metrics = createMetrics(name);
  await ensureDatabase(config.DATABASE_URL);
  const sql = connect(config.DATABASE_URL, { max: poolSize, application: name });
  const applied = await migrate(sql, migrations);
  if (applied.length) log.info({ applied }, "migrations applied");
  if (seed) await seed(sql);

  const messaging = await startMessaging({
    service: name,
    natsUrl: config.NATS_URL,
    natsUser: config.NATS_USER,
    natsPassword: config.NATS_PASSWORD,
    sql,
    log,
    metrics,
    handlers,
    buckets,
    maxDeliveries: config.MAX_DELIVERIES,
    concurrency: consumers.concurrency,
    batchSize: consumers.batchSize,
    ackWaitMs: ackWaitMs ?? config.ACK_WAIT_MS,
    ...(beforeAck ? { beforeAck } : {}),
  });

  const readiness: Record<string, ReadinessCheck> = {
    postgres: async () => void (await sql`SELECT 1`),
    nats: async () => {
      if (messaging.nc.isClosed()) throw new Error("connection closed");
      await Promise.race([messaging.nc.flush(), new Promise((_, reject) => setTimeout(() => reject(new Error("no answer from nats-server")), 1_000))]);
    },
  };
  const parts: ServiceParts = { sql, log, metrics, messaging, readiness };
  const pruned = metrics.counter("inbox_pruned_total", "Inbox rows deleted after INBOX_RETENTION_MS");
  const running: Array<{ stop(): Promise<void> }> = [
    startInboxPruner({ sql, log, retentionMs: config.INBOX_RETENTION_MS, onPruned: (count) => pruned.inc(count) }),
  ];
  for (const start of workers) running.push(await start(parts));

  let app: Hono<any>;
  if (buildApp) app = buildApp(parts);
  else {
    app = createApp({ log, metrics, readiness, auth: { secret: config.AUTH_JWT_SECRET } });
    if (routes) app.route("/", routes(parts));
  }
  // the service's own dead letters: those of its durable consumers, and of its workers (`<service>-worker`)
  mountDeadLetterRoutes(app, { nc: messaging.nc, consumers: [...messaging.router.consumers(), `${name}-worker`] });
  // hono picks its router on the first request: pick it now, and say so if a route made it fall back
  const router = settleRouter(app);
  if (!usesRegExpRouter(router)) log.warn({ router }, "a route made hono fall back to its TrieRouter: every request is routed by a tree search (libs/http router.ts)");
  const server = await listen(app, { host: config.HOST, port: config.PORT });
  log.info({ url: server.url, consumers: messaging.router.consumers(), router }, `${name} listening on ${server.url}`);

  return {
    ...parts,
    url: server.url,
    port: server.port,
    async stop() {
      await server.close();
      for (const worker of running) await worker.stop();
      await messaging.stop();
      await sql.end({ timeout: 5 });
      log.info(`${name} stopped`);
    },
  };
}

/** SIGTERM/SIGINT: stop taking work, finish what is in flight, exit; a second signal or the grace period forces it. */
export function stopOnSignals(service: { stop(): Promise<void>; log: Logger }, graceMs: number): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) process.exit(1);
    stopping = true;
    service.log.info({ signal }, "draining");
    setTimeout(() => {
      service.log.error("drain took too long; exiting");
      process.exit(1);
    }, graceMs).unref();
    service.stop().then(
      () => process.exit(0),
      (error) => {
        service.log.error({ err: error }, "drain failed");
        process.exit(1);
      },
    );
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
  // Nothing is lost by dying here (every step is a transaction, every message is redelivered), but the
  // reason belongs in the JSON log. Known case, patched since (scripts/patch-dependencies.mjs): postgres.js
  // 3.4.9 threw from a timer when PostgreSQL went away mid-write (porsager/postgres#1154).
  process.on("uncaughtException", (error) => {
    service.log.fatal({ err: error }, "uncaught exception; exiting so that the supervisor starts a clean process");
    process.exit(70); // EX_SOFTWARE
  });
  // A transaction that never settles (porsager/postgres#1186 was one way, patched since) has taken a
  // connection the pool will not get back, and whatever awaited it is stopped; a fresh process is the
  // way out (libs/db transaction()).
  onStuckTransaction((error) => {
    service.log.fatal({ err: error }, "work on a PostgreSQL connection is stuck; exiting so that the supervisor starts a clean process");
    process.exit(70);
  });
}
