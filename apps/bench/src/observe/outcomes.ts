import { connect, type NatsConnection } from "@nats-io/transport-node";
import { DeliverPolicy, jetstream, type ConsumerMessages, type JsMsg } from "@nats-io/jetstream";

export interface Outcome {
  kind: "completed" | "cancelled";
  /** OrderCancelled's or OrderRefused's reason */
  reason?: string;
  /** when JetStream stored the event (the server's clock, epoch ms): independent of how fast we read */
  at: number;
}

export interface OutcomeWatch {
  outcomes: Map<string, Outcome>;
  /**
   * orders seen so far at each stage: `placed` (its OrderPlaced relayed to the stream), `decided`
   * (inventory reserved or rejected it), and the outcomes. Where a saga waits shows as the gap between two
   */
  counts: { placed: number; decided: number; completed: number; cancelled: number };
  stop(): Promise<void>;
}

const nanosToMs = (nanos: bigint) => Number(nanos / 1_000n) / 1_000;

/**
 * Follows the saga's outcome as the ORDERS stream records it: `orders.completed.<id>`,
 * `orders.cancelled.<id>` and `orders.refused.<id>` (an order checkout refused, CANCELLED from the
 * start: ADR 0010), through one ordered consumer each (flow-controlled, nothing lost when the bench is
 * busy), matched to orders by the last subject token. The time kept is the stream's timestamp, so a
 * slow reader does not inflate latencies. An OrderCancelled is the decision to cancel: an order with
 * money or stock held is CANCELLING until its compensations are confirmed (see the orders DB for that).
 * Each stream is read from after its mark in `since` (streamMarks): a warm-up's orders are not counted.
 */
export async function watchOutcomes(natsUrl: string, since: Record<string, number>): Promise<OutcomeWatch> {
  const nc: NatsConnection = await connect({ servers: natsUrl, name: "bench-outcomes" });
  const js = jetstream(nc);
  const outcomes = new Map<string, Outcome>();
  const counts = { placed: 0, decided: 0, completed: 0, cancelled: 0 };
  const subscriptions: Array<{ messages: ConsumerMessages; done: Promise<void> }> = [];
  const follow = async (stream: string, filter: string, onMessage: (msg: JsMsg) => void, { headersOnly = false } = {}) => {
    const consumer = await js.consumers.get(stream, { filter_subjects: filter, headers_only: headersOnly, deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: (since[stream] ?? 0) + 1 });
    const messages = await consumer.consume({ max_messages: 2_048 });
    const done = (async () => {
      for await (const msg of messages) onMessage(msg);
    })();
    subscriptions.push({ messages, done });
  };
  const orderOf = (msg: JsMsg) => msg.subject.slice(msg.subject.lastIndexOf(".") + 1);

  const subjects = [
    { token: "completed", kind: "completed" },
    { token: "cancelled", kind: "cancelled" },
    { token: "refused", kind: "cancelled" },
  ] as const;
  for (const { token, kind } of subjects) {
    await follow("ORDERS", `orders.${token}.*`, (msg) => {
      const orderId = orderOf(msg);
      if (outcomes.has(orderId)) return; // a redelivered copy: the first one counts
      const outcome: Outcome = { kind, at: nanosToMs(msg.timestampNanos) };
      if (kind === "cancelled") outcome.reason = (msg.json<{ data?: { reason?: string } }>().data?.reason) ?? "unknown";
      outcomes.set(orderId, outcome);
      counts[kind]++;
    });
  }
  // the stages before the outcome, counted once per order
  const stage = (key: "placed" | "decided") => {
    const seen = new Set<string>();
    return (msg: JsMsg) => {
      const orderId = orderOf(msg);
      if (seen.has(orderId)) return;
      seen.add(orderId);
      counts[key]++;
    };
  };
  // the subject says it all: the server sends no bodies
  await follow("ORDERS", "orders.placed.*", stage("placed"), { headersOnly: true });
  const decided = stage("decided");
  await follow("INVENTORY", "inventory.reserved.*", decided, { headersOnly: true });
  await follow("INVENTORY", "inventory.rejected.*", decided, { headersOnly: true });

  return {
    outcomes,
    counts,
    async stop() {
      for (const { messages } of subscriptions) await messages.close().catch(() => {});
      await Promise.all(subscriptions.map(({ done }) => done.catch(() => {})));
      await nc.close();
    },
  };
}
