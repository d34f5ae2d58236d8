import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type ConsumerConfig, type ConsumerUpdateConfig, type JetStreamManager } from "@nats-io/jetstream";
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
  /** the subjects it filters on: one goes as `filter_subject`, several (nats-server 2.10+) as `filter_subjects` */
  filterSubjects: string[];
  ackWaitMs?: number;
  maxAckPending?: number;
}

/**
 * A consumer's filter as the server takes it. The other field is there, undefined, so that an update
 * clears it: `jsm.consumers.update` merges the change into the consumer's current config, and the server
 * refuses a config with both.
 */
export const filterConfig = (subjects: string[]) =>
  subjects.length === 1 ? { filter_subject: subjects[0]!, filter_subjects: undefined } : { filter_subject: undefined, filter_subjects: subjects };

const filtersOf = (config: ConsumerConfig) => config.filter_subjects ?? (config.filter_subject ? [config.filter_subject] : []);
const sameSubjects = (a: string[], b: string[]) => JSON.stringify([...a].sort()) === JSON.stringify([...b].sort());

/**
 * Creates the durable, or brings an existing one to this filter, ack wait and max ack pending in place:
 * it keeps its position, so acked messages are not delivered again, and a message that the new filter
 * takes in but that lies behind that position is not delivered either. Changing a filter needs nats-server
 * 2.10 (to or from several subjects). Instances starting together all succeed: the server accepts a
 * create or an update that changes nothing, and an instance that loses the creation race updates what
 * the other made (with different handler sets, the last start wins; ADR 0013).
 */
export async function ensureConsumer(jsm: JetStreamManager, { stream, durable, filterSubjects, ackWaitMs = 30_000, maxAckPending = 2_000 }: ConsumerSpec): Promise<void> {
  const filter = filterConfig(filterSubjects);
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ...filter,
    ack_wait: nanos(ackWaitMs),
    max_deliver: -1, // the router dead-letters after MAX_DELIVERIES, with the reason
    max_ack_pending: maxAckPending,
  };
  const info = () => jsm.consumers.info(stream, durable).catch(() => undefined);
  // undefined once created; the consumer another instance created meanwhile otherwise
  const create = () =>
    jsm.consumers.add(stream, config).then(
      () => undefined,
      async (error) => (await info()) ?? Promise.reject(error),
    );
  const existing = (await info()) ?? (await create());
  if (!existing) return;
  const changes: Partial<ConsumerUpdateConfig> = {
    ...(sameSubjects(filtersOf(existing.config), filterSubjects) ? {} : filter),
    ...(existing.config.ack_wait !== config.ack_wait ? { ack_wait: config.ack_wait } : {}),
    ...(existing.config.max_ack_pending !== config.max_ack_pending ? { max_ack_pending: config.max_ack_pending } : {}),
  };
  if (Object.keys(changes).length === 0) return;
  await jsm.consumers.update(stream, durable, changes).catch((error: Error) => {
    throw new Error(`${stream} ${durable}: could not update ${Object.keys(changes).join(", ")} (filter now ${filtersOf(existing.config).join(", ") || "none"}): ${error.message}`, { cause: error });
  });
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
