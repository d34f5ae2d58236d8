import { headers as natsHeaders } from "@nats-io/transport-node";
import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { deadLetterSubject } from "@checkout/contracts";

/** Header names carried by every dead letter; `checkout dlq` reads them. */
export const DLQ_HEADERS = {
  reason: "Checkout-Dlq-Reason",
  consumer: "Checkout-Dlq-Consumer",
  stream: "Checkout-Dlq-Stream",
  subject: "Checkout-Dlq-Subject",
  sequence: "Checkout-Dlq-Sequence",
  deliveries: "Checkout-Dlq-Deliveries",
  time: "Checkout-Dlq-Time",
  /** set when the body was cut to MAX_DEAD_LETTER_BYTES: the size of the original */
  truncated: "Checkout-Dlq-Truncated",
} as const;

/** Dead letters keep at most this much of the original body, so that the copy always fits a NATS message. */
export const MAX_DEAD_LETTER_BYTES = 64 * 1024;

/**
 * Set on a dead letter replayed into its stream: only the consumer named here handles it; every other
 * consumer of the stream acks and skips it (they handled the original already).
 */
export const REPLAY_FOR_HEADER = "Checkout-Replay-For";

const MAX_REASON = 1_000;

/**
 * Copies a message that cannot be processed to `dlq.<stream>.<consumer>` with why, where it came from
 * and how many times it was tried. The Nats-Msg-Id makes a repeated dead-lettering of the same delivery
 * (say, after a crash before the term) a no-op. A body larger than MAX_DEAD_LETTER_BYTES is cut, and
 * says so: a copy that cannot be published would leave the original redelivered for ever.
 */
export async function deadLetter(js: JetStreamClient, msg: JsMsg, { stream, consumer, reason }: { stream: string; consumer: string; reason: string }): Promise<void> {
  const h = natsHeaders();
  for (const [key, values] of msg.headers ?? []) {
    if (key.toLowerCase() === "nats-msg-id") continue;
    for (const value of values) h.append(key, value);
  }
  h.set(DLQ_HEADERS.reason, reason.replace(/[\r\n]+/g, " ").slice(0, MAX_REASON));
  h.set(DLQ_HEADERS.consumer, consumer);
  h.set(DLQ_HEADERS.stream, stream);
  h.set(DLQ_HEADERS.subject, msg.subject);
  h.set(DLQ_HEADERS.sequence, String(msg.info.streamSequence));
  h.set(DLQ_HEADERS.deliveries, String(msg.info.deliveryCount));
  h.set(DLQ_HEADERS.time, new Date().toISOString());
  const truncated = msg.data.length > MAX_DEAD_LETTER_BYTES;
  if (truncated) h.set(DLQ_HEADERS.truncated, String(msg.data.length));
  await js.publish(deadLetterSubject(stream, consumer), truncated ? msg.data.subarray(0, MAX_DEAD_LETTER_BYTES) : msg.data, {
    headers: h,
    msgID: `dlq:${stream}:${consumer}:${msg.info.streamSequence}`,
  });
}
