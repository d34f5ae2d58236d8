import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { contractForType, Streams, type CloudEvent, type StreamName } from "@checkout/contracts";
import { waitFor } from "./wait.ts";

export interface Bus {
  nc: NatsConnection;
  jsm: JetStreamManager;
  /** publishes an event on its subject, as its producer's relay would */
  publish(event: CloudEvent, options?: { msgID?: string }): Promise<number>;
  /** the events about one order in a stream: count per event type and the last one of each type */
  eventsFor(stream: StreamName, orderId: string): Promise<Map<string, { count: number; last: CloudEvent }>>;
  /** waits until the stream holds `count` (default 1) events of `type` about the order, and returns the last */
  waitForEvent(stream: StreamName, orderId: string, type: string, options?: { count?: number; timeoutMs?: number }): Promise<CloudEvent>;
  /** every message of a stream, parsed against contracts/ (throws on the first that does not parse) */
  parseAll(stream: string): Promise<CloudEvent[]>;
  /** waits until a durable consumer has nothing pending and nothing unacknowledged */
  settled(stream: StreamName, durable: string, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function connectBus(url: string): Promise<Bus> {
  const nc = await connect({ servers: url });
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);

  const eventsFor: Bus["eventsFor"] = async (stream, orderId) => {
    const filter = `${Streams[stream].prefix}.*.${orderId}`;
    const info = await jsm.streams.info(stream, { subjects_filter: filter }).catch(() => undefined);
    const found = new Map<string, { count: number; last: CloudEvent }>();
    for (const [subject, count] of Object.entries(info?.state.subjects ?? {})) {
      const message = await jsm.streams.getMessage(stream, { last_by_subj: subject });
      const event = message!.json<CloudEvent>();
      const name = contractForType(event.type)?.name ?? event.type;
      found.set(name, { count, last: event });
    }
    return found;
  };

  return {
    nc,
    jsm,
    async publish(event, { msgID = event.id } = {}) {
      const contract = contractForType(event.type);
      if (!contract) throw new Error(`unknown event type ${event.type}`);
      return (await js.publish(contract.subject(event.subject), JSON.stringify(event), { msgID })).seq;
    },
    eventsFor,
    async waitForEvent(stream, orderId, type, { count = 1, timeoutMs = 15_000 } = {}) {
      return waitFor(
        async () => {
          const entry = (await eventsFor(stream, orderId)).get(type);
          return entry && entry.count >= count ? entry.last : undefined;
        },
        { timeoutMs, what: `${type} for order ${orderId}` },
      );
    },
    async parseAll(stream) {
      const info = await jsm.streams.info(stream);
      const events: CloudEvent[] = [];
      for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq++) {
        const message = await jsm.streams.getMessage(stream, { seq }).catch(() => null);
        if (!message) continue;
        const raw = message.json<CloudEvent>();
        const contract = contractForType(raw.type);
        if (!contract) throw new Error(`${stream} #${seq}: unknown type ${raw.type}`);
        events.push(contract.parse(raw));
      }
      return events;
    },
    async settled(stream, durable, timeoutMs = 15_000) {
      await waitFor(
        async () => {
          const info = await jsm.consumers.info(stream, durable);
          return info.num_pending === 0 && info.num_ack_pending === 0;
        },
        { timeoutMs, what: `${durable} to settle` },
      );
    },
    close: () => nc.close(),
  };
}
