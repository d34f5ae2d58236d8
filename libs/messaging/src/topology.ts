import { AckPolicy, DeliverPolicy, DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type ConsumerConfig, type ConsumerUpdateConfig, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm, type KV } from "@nats-io/kv";
import { nanos, type NatsConnection } from "@nats-io/transport-node";
import { DeadLetters, Streams } from "@checkout/contracts";
import type { Logger } from "@checkout/log";

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
  /** where a filter that would not settle is reported */
  log?: Logger;
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
/** no filter, `>` or `<prefix>.>`: every subject of the stream */
const streamWide = (subjects: string[]) => subjects.length === 0 || (subjects.length === 1 && /^(?:[^.*>]+\.)?>$/.test(subjects[0]!));

/**
 * The filter a consumer that has `current` gets when an instance of a service that handles `wanted`
 * starts. The durable is shared by every instance of the service, whatever its version, so a service
 * only widens it: narrowing it would stop the other instances from receiving what they handle, and what
 * is published meanwhile would lie behind the consumer's position once it widened again (ADR 0013).
 * - The whole stream wanted (nats-server 2.9): the whole stream.
 * - The whole stream had (made on 2.9, or by a version before ADR 0013): the wanted subjects, the one
 *   narrowing a service makes.
 * - Otherwise what it had, with the wanted subjects it lacked (unchanged when it lacked none).
 */
export function nextFilter(current: string[], wanted: string[]): string[] {
  if (streamWide(wanted) || streamWide(current)) return wanted;
  const missing = wanted.filter((subject) => !current.includes(subject));
  return missing.length === 0 ? current : [...current, ...missing].sort();
}

/** how many times in all a service writes its consumer's filter when other instances' updates keep replacing it */
export const FILTER_TRIES = 3;

/**
 * Creates the durable, or brings an existing one's filter (nextFilter), ack wait and max ack pending up
 * to date in place: it keeps its position, so acked messages are not delivered again, and a message
 * that a widened filter takes in but that lies behind that position is not delivered either. Changing a
 * filter needs nats-server 2.10 (to or from several subjects). Instances starting together all succeed:
 * the server accepts a create or an update that changes nothing, and an instance that loses the
 * creation race updates what the other made. After an update the filter is read again, and written
 * again if another instance's update, made at the same moment, left out subjects this one wants: at
 * most FILTER_TRIES writes in all, then a warning, and the filter stays as it was found.
 */
export async function ensureConsumer(jsm: JetStreamManager, { stream, durable, filterSubjects, ackWaitMs = 30_000, maxAckPending = 2_000, log }: ConsumerSpec): Promise<void> {
  const config = {
    durable_name: durable,
    ack_policy: AckPolicy.Explicit,
    deliver_policy: DeliverPolicy.All,
    ...filterConfig(filterSubjects),
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
  let existing = (await info()) ?? (await create());
  for (let tries = 1; existing; tries++) {
    const current = filtersOf(existing.config);
    const filter = nextFilter(current, filterSubjects);
    const changes: Partial<ConsumerUpdateConfig> = {
      ...(sameSubjects(current, filter) ? {} : filterConfig(filter)),
      // once: a different value another instance writes is that instance's configuration, not a race to win
      ...(tries === 1 && existing.config.ack_wait !== config.ack_wait ? { ack_wait: config.ack_wait } : {}),
      ...(tries === 1 && existing.config.max_ack_pending !== config.max_ack_pending ? { max_ack_pending: config.max_ack_pending } : {}),
    };
    if (Object.keys(changes).length === 0) return;
    if (tries > FILTER_TRIES) {
      // e.g. a cluster of 2.9 and 2.10 servers during an upgrade, whose instances want `orders.>` and the narrow filter in turn
      log?.warn({ stream, durable, filter: current, wanted: filterSubjects }, "the consumer's filter keeps changing under this instance; leaving it as it is");
      return;
    }
    await jsm.consumers.update(stream, durable, changes).catch((error: Error) => {
      const filterChange = sameSubjects(current, filter) ? "" : `filter ${current.join(", ") || "none"} to ${filter.join(", ")}; `;
      const others = Object.keys(changes).filter((key) => !key.startsWith("filter_"));
      throw new Error(`${stream} ${durable}: could not update ${filterChange}${others.join(", ")}: ${error.message}`, { cause: error });
    });
    existing = await info();
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
