import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { nanos, type NatsConnection } from "@nats-io/transport-node";
import { DeadLetters, Streams } from "@checkout/contracts";

const DAY_MS = 24 * 60 * 60 * 1000;

export interface StreamSpec {
  name: string;
  subjects: string[];
  maxAgeMs: number;
}

/** The streams of ARCHITECTURE §4, the same definitions as deploy/nats/streams/*.json. */
export const STREAM_SPECS: StreamSpec[] = [
  ...Object.values(Streams).map((s) => ({ name: s.name, subjects: [`${s.prefix}.>`], maxAgeMs: 7 * DAY_MS })),
  { name: DeadLetters.name, subjects: [`${DeadLetters.prefix}.>`], maxAgeMs: 30 * DAY_MS },
];

export async function ensureStreams(jsm: JetStreamManager, specs: StreamSpec[] = STREAM_SPECS): Promise<void> {
  for (const spec of specs) {
    const config = {
      name: spec.name,
      subjects: spec.subjects,
      storage: StorageType.File,
      retention: RetentionPolicy.Limits,
      discard: DiscardPolicy.Old,
      max_age: nanos(spec.maxAgeMs),
      duplicate_window: nanos(2 * 60 * 1000),
      num_replicas: 1,
    };
    const existing = await jsm.streams.info(spec.name).catch(() => undefined);
    if (!existing) {
      await jsm.streams.add(config).catch(async (error) => {
        if (!(await jsm.streams.info(spec.name).catch(() => undefined))) throw error; // not a creation race
      });
    } else if (JSON.stringify(existing.config.subjects) !== JSON.stringify(spec.subjects)) {
      await jsm.streams.update(spec.name, { ...existing.config, subjects: spec.subjects });
    }
  }
}

export interface ConsumerSpec {
  stream: string;
  durable: string;
  filterSubject: string;
  ackWaitMs?: number;
  maxAckPending?: number;
}

export async function ensureConsumer(jsm: JetStreamManager, { stream, durable, filterSubject, ackWaitMs = 30_000, maxAckPending = 2_000 }: ConsumerSpec): Promise<void> {
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    filter_subject: filterSubject,
    ack_wait: nanos(ackWaitMs),
    max_deliver: -1, // the router dead-letters after MAX_DELIVERIES, with the reason
    max_ack_pending: maxAckPending,
  };
  const existing = await jsm.consumers.info(stream, durable).catch(() => undefined);
  if (!existing) {
    await jsm.consumers.add(stream, config).catch(async (error) => {
      if (!(await jsm.consumers.info(stream, durable).catch(() => undefined))) throw error;
    });
  } else if (existing.config.ack_wait !== config.ack_wait || existing.config.max_ack_pending !== config.max_ack_pending) {
    await jsm.consumers.update(stream, durable, { ack_wait: config.ack_wait, max_ack_pending: config.max_ack_pending });
  }
}

export interface BucketSpec {
  name: string;
  ttlMs: number;
}

/**
 * Opens a bucket, creating it if missing; an existing bucket whose max age differs from `ttlMs` (0: no
 * age limit) is updated, so a changed setting takes effect without deleting the bucket.
 */
export async function ensureBucket(nc: NatsConnection, { name, ttlMs }: BucketSpec): Promise<KV> {
  const kv = await new Kvm(nc).create(name, { history: 1, ttl: ttlMs, storage: StorageType.File });
  const jsm = await jetstreamManager(nc);
  const stream = `KV_${name}`;
  const { config } = await jsm.streams.info(stream);
  const maxAge = nanos(ttlMs);
  if (config.max_age !== maxAge) {
    // the server refuses a duplicate window longer than the max age (a bucket made without one has 2 min)
    const duplicateWindow = maxAge > 0 && (config.duplicate_window ?? 0) > maxAge ? maxAge : config.duplicate_window;
    await jsm.streams.update(stream, { ...config, max_age: maxAge, duplicate_window: duplicateWindow });
  }
  return kv;
}
