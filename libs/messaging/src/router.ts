import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { Streams, type StreamName } from "@checkout/contracts";
import { ensureConsumer } from "./topology.ts";
import { serverFeatures } from "./nats.ts";
import type { Handler } from "./handler.ts";
import { processBatch, type ProcessOptions, type Outcome } from "./process-message.ts";

export interface Router {
  /** registers handlers; call before start() */
  add(...handlers: Handler[]): Router;
  /** creates the durable consumers (idempotently) and starts consuming */
  start(): Promise<void>;
  /** stops taking messages and waits for those in flight to finish */
  stop(): Promise<void>;
  /** durable consumer names, one per stream this service listens to: `<service>-<stream>` */
  consumers(): string[];
}

export interface RouterOptions extends Omit<ProcessOptions, "js" | "durable" | "stream" | "handlers"> {
  nc: NatsConnection;
  service: string;
  /** transactions in flight per consumer */
  concurrency?: number;
  /** the most messages one transaction handles */
  batchSize?: number;
  ackWaitMs?: number;
  onOutcome?: (consumer: string, outcome: Outcome, seconds: number) => void;
  /** called once per batch taken off the queue, with its size */
  onBatch?: (consumer: string, size: number) => void;
}

export const durableName = (service: string, stream: string) => `${service}-${stream.toLowerCase()}`;

/**
 * What a service's consumer of `stream` filters on. With filter_subjects (nats-server 2.10+): the
 * subjects of the events its handlers subscribe to (`orders.placed.*`), sorted. Before: the whole stream
 * (`orders.>`), and the router acks unread the events no handler wants (ADR 0001, ADR 0013).
 */
export const consumerFilter = (stream: StreamName, handlers: Handler[], filterSubjects: boolean): string[] =>
  filterSubjects ? handlers.map((handler) => handler.subscribe.filter).sort() : [`${Streams[stream].prefix}.>`];

/**
 * Owns parse → transaction (inbox + business write + outbox) → commit → ack for every handler of a
 * service, plus nak-with-backoff and dead-lettering. One durable pull consumer per stream, filtering on
 * the events the service's handlers of that stream subscribe to where the server can (consumerFilter).
 *
 * Delivered messages queue up; up to `concurrency` transactions per consumer each take what is queued, at
 * most `batchSize` messages, and handle it in one transaction (processBatch). An idle consumer handles a
 * message as soon as it arrives, alone; a busy one handles many per commit: the batches grow with the
 * load. The queue is bounded, so a slow database slows the pulls instead of filling memory.
 */
export function createRouter({ nc, service, concurrency = 2, batchSize = 100, ackWaitMs = 30_000, onOutcome = () => {}, onBatch = () => {}, ...options }: RouterOptions): Router {
  const handlers: Handler[] = [];
  const running: Array<{ messages: ConsumerMessages; done: Promise<void> }> = [];
  const js: JetStreamClient = jetstream(nc);
  const bound = batchSize * concurrency;

  const byStream = () => {
    const groups = new Map<StreamName, Map<string, Handler>>();
    for (const handler of handlers) {
      const { stream, token } = handler.subscribe;
      const group = groups.get(stream) ?? new Map<string, Handler>();
      if (group.has(token)) throw new Error(`${service}: two handlers subscribe to ${handler.subscribe.name}`);
      group.set(token, handler);
      groups.set(stream, group);
    }
    return groups;
  };

  async function consume(stream: StreamName, group: Map<string, Handler>) {
    const durable = durableName(service, stream);
    const jsm = await jetstreamManager(nc);
    const filterSubjects = consumerFilter(stream, [...group.values()], serverFeatures(nc).filterSubjects);
    await ensureConsumer(jsm, { stream, durable, filterSubjects, ackWaitMs, maxAckPending: Math.max(1_000, bound * 4), log: options.log });
    const consumer = await js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: bound });
    const queue: JsMsg[] = [];
    const inFlight = new Set<Promise<void>>();
    let scheduled = false;
    let roomWaiter: (() => void) | undefined;

    const pump = () => {
      scheduled = false;
      while (inFlight.size < concurrency && queue.length > 0) {
        const batch = queue.splice(0, batchSize);
        const task = handle(batch, durable, stream, group).finally(() => {
          inFlight.delete(task);
          if (queue.length < bound) roomWaiter?.();
          pump();
        });
        inFlight.add(task);
      }
    };
    // after the messages of one socket read have all been queued, so that they share a transaction
    const schedule = () => {
      if (scheduled) return;
      scheduled = true;
      setImmediate(pump);
    };

    const done = (async () => {
      for await (const msg of messages) {
        queue.push(msg);
        schedule();
        if (queue.length >= bound) {
          await new Promise<void>((resolve) => (roomWaiter = resolve));
          roomWaiter = undefined;
        }
      }
      while (queue.length > 0 || inFlight.size > 0) {
        pump();
        await Promise.race(inFlight);
      }
    })();
    running.push({ messages, done });
  }

  async function handle(batch: JsMsg[], durable: string, stream: StreamName, group: Map<string, Handler>) {
    const started = performance.now();
    onBatch(durable, batch.length);
    const outcomes = await processBatch(batch, { ...options, js, durable, stream, handlers: group }).catch((error: unknown) => {
      // processBatch settles every message itself; this is a bug, and the messages will be redelivered
      options.log.error({ err: error, consumer: durable }, "batch failed unexpectedly; its messages will be redelivered");
      return [] as Outcome[];
    });
    const seconds = (performance.now() - started) / 1000;
    for (const outcome of outcomes) onOutcome(durable, outcome, seconds);
  }

  return {
    add(...more) {
      handlers.push(...more);
      return this;
    },
    async start() {
      for (const [stream, group] of byStream()) await consume(stream, group);
    },
    async stop() {
      await Promise.all(running.map(({ messages }) => messages.close().catch(() => {})));
      await Promise.all(running.map(({ done }) => done));
      running.length = 0;
    },
    consumers: () => [...byStream().keys()].map((stream) => durableName(service, stream)),
  };
}
