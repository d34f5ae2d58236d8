import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, type ConsumerMessages } from "@nats-io/jetstream";

export interface Outcome {
  kind: "completed" | "cancelled";
  /** OrderCancelled's or OrderRefused's reason */
  reason?: string;
  /** when JetStream stored the event (the server's clock, epoch ms): independent of how fast we read */
  at: number;
}

export interface OutcomeWatch {
  outcomes: Map<string, Outcome>;
  counts: { completed: number; cancelled: number };
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
 */
export async function watchOutcomes(natsUrl: string): Promise<OutcomeWatch> {
  const nc: NatsConnection = await connect({ servers: natsUrl, name: "bench-outcomes" });
  const js = jetstream(nc);
  const outcomes = new Map<string, Outcome>();
  const counts = { completed: 0, cancelled: 0 };
  const subscriptions: Array<{ messages: ConsumerMessages; done: Promise<void> }> = [];

  const subjects = [
    { token: "completed", kind: "completed" },
    { token: "cancelled", kind: "cancelled" },
    { token: "refused", kind: "cancelled" },
  ] as const;
  for (const { token, kind } of subjects) {
    const consumer = await js.consumers.get("ORDERS", { filter_subjects: `orders.${token}.*` });
    const messages = await consumer.consume({ max_messages: 2_048 });
    const done = (async () => {
      for await (const msg of messages) {
        const orderId = msg.subject.slice(msg.subject.lastIndexOf(".") + 1);
        if (outcomes.has(orderId)) continue; // a redelivered copy: the first one counts
        const outcome: Outcome = { kind, at: nanosToMs(msg.timestampNanos) };
        if (kind === "cancelled") outcome.reason = (msg.json<{ data?: { reason?: string } }>().data?.reason) ?? "unknown";
        outcomes.set(orderId, outcome);
        counts[kind]++;
      }
    })();
    subscriptions.push({ messages, done });
  }

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
