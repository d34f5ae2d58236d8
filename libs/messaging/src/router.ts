import { jetstream, jetstreamManager, type ConsumerMessages, type JetStreamClient, type JsMsg } from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { Streams, type StreamName } from "@checkout/contracts";
import { ensureConsumer } from "./topology.ts";
import type { Handler } from "./handler.ts";
import { processMessage, type ProcessOptions, type Outcome } from "./process-message.ts";

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
  concurrency?: number;
  ackWaitMs?: number;
  onOutcome?: (consumer: string, outcome: Outcome, seconds: number) => void;
}

export const durableName = (service: string, stream: string) => `${service}-${stream.toLowerCase()}`;

/**
 * Owns parse → transaction (inbox + business write + outbox) → commit → ack for every handler of a
 * service, plus nak-with-backoff and dead-lettering. One durable pull consumer per stream.
 */
export function createRouter({ nc, service, concurrency = 32, ackWaitMs = 30_000, onOutcome = () => {}, ...options }: RouterOptions): Router {
  const handlers: Handler[] = [];
  const running: Array<{ messages: ConsumerMessages; done: Promise<void> }> = [];
  const js: JetStreamClient = jetstream(nc);

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
    await ensureConsumer(jsm, { stream, durable, filterSubject: `${Streams[stream].prefix}.>`, ackWaitMs, maxAckPending: Math.max(1_000, concurrency * 4) });
    const consumer = await js.consumers.get(stream, durable);
    const messages = await consumer.consume({ max_messages: concurrency * 2 });
    const inFlight = new Set<Promise<void>>();
    const done = (async () => {
      for await (const msg of messages) {
        const task = handle(msg, durable, stream, group).finally(() => inFlight.delete(task));
        inFlight.add(task);
        if (inFlight.size >= concurrency) await Promise.race(inFlight);
      }
      await Promise.all(inFlight);
    })();
    running.push({ messages, done });
  }

  async function handle(msg: JsMsg, durable: string, stream: StreamName, group: Map<string, Handler>) {
    const started = performance.now();
    const outcome = await processMessage(msg, { ...options, js, durable, stream, handlers: group });
    onOutcome(durable, outcome, (performance.now() - started) / 1000);
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
