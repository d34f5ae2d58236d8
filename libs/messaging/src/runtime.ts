import { jetstream, jetstreamManager, type JetStreamClient } from "@nats-io/jetstream";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import type { Metrics } from "@checkout/http";
import { connectNats, reportServerFeatures, serverFeatures, type ServerFeatures } from "./nats.ts";
import { ensureBucket, ensureStreams, type BucketSpec } from "./topology.ts";
import { startOutboxRelay, type OutboxRelay } from "./relay.ts";
import { createRouter, type Router } from "./router.ts";
import type { AnyEvent, Handler } from "./handler.ts";

export interface Messaging {
  nc: NatsConnection;
  js: JetStreamClient;
  features: ServerFeatures;
  buckets: Record<string, KV>;
  relay: OutboxRelay;
  router: Router;
  /** stop consuming, finish in-flight messages, flush the outbox, close the connection */
  stop(): Promise<void>;
}

export interface MessagingOptions {
  service: string;
  natsUrl: string;
  natsUser?: string | undefined;
  natsPassword?: string | undefined;
  sql: Sql;
  log: Logger;
  metrics: Metrics;
  /** the service's handlers, or a function of the opened KV buckets that returns them */
  handlers?: Handler[] | ((buckets: Record<string, KV>) => Handler[]);
  buckets?: BucketSpec[];
  maxDeliveries?: number;
  /** transactions in flight per consumer */
  concurrency?: number;
  /** the most messages one transaction handles */
  batchSize?: number;
  ackWaitMs?: number;
  now?: () => Date;
  beforeAck?: (event: AnyEvent) => boolean | Promise<boolean>;
}

/** Everything a service needs on the bus, created idempotently: streams, buckets, relay, consumers. */
export async function startMessaging({ service, natsUrl, natsUser, natsPassword, sql, log, metrics, handlers = [], buckets = [], ...routerOptions }: MessagingOptions): Promise<Messaging> {
  const nc = await connectNats({ url: natsUrl, name: service, user: natsUser, pass: natsPassword, log });
  const features = serverFeatures(nc);
  reportServerFeatures(features, log);
  await ensureStreams(await jetstreamManager(nc));
  const js = jetstream(nc);

  const opened: Record<string, KV> = {};
  for (const bucket of buckets) opened[bucket.name] = await ensureBucket(nc, bucket);

  const published = metrics.counter("outbox_published_total", "events published by the outbox relay");
  const relay = await startOutboxRelay({ sql, js, log, onPublished: (count) => published.inc(count) });

  const outcomes = metrics.counter("messages_total", "messages consumed, by consumer and outcome", ["consumer", "outcome"]);
  const durations = metrics.histogram("message_handling_seconds", "time from delivery to ack, by consumer", ["consumer"]);
  const batches = metrics.histogram("consumer_batch_messages", "messages per consumer transaction, by consumer", ["consumer"], [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000]);
  const router = createRouter({
    nc,
    sql,
    log,
    service,
    ...routerOptions,
    onOutboxWritten: () => relay.wake(),
    onOutcome(consumer, outcome, seconds) {
      outcomes.inc({ consumer, outcome });
      durations.observe({ consumer }, seconds);
    },
    onBatch: (consumer, size) => batches.observe({ consumer }, size),
  }).add(...(typeof handlers === "function" ? handlers(opened) : handlers));
  await router.start();

  return {
    nc,
    js,
    features,
    buckets: opened,
    relay,
    router,
    async stop() {
      await router.stop();
      await Promise.race([relay.flush(), new Promise((resolve) => setTimeout(resolve, 2_000))]);
      await relay.stop();
      await nc.drain().catch(() => {});
    },
  };
}
