import { headers as natsHeaders } from "@nats-io/transport-node";
import type { JetStreamClient } from "@nats-io/jetstream";
import { deadLetterSubject } from "@checkout/contracts";
import type { Logger } from "@checkout/log";
import { DLQ_HEADERS } from "@checkout/messaging";
import type { Payment } from "../db/payments.ts";

export const PARKED_CONSUMER = "payments-worker";

/**
 * A compensation the provider refuses for good (say, a capture on an authorization that expired at the
 * provider) is parked: the payment row says `parked` with the reason, and a dead letter on
 * `dlq.PAYMENTS.payments-worker` makes it visible to `checkout dlq` and to alerts. Nothing is dropped.
 */
export async function parkStep(js: JetStreamClient, log: Logger, payment: Payment, reason: string): Promise<void> {
  const h = natsHeaders();
  h.set(DLQ_HEADERS.reason, `${payment.status} refused by the provider: ${reason}`.slice(0, 1_000));
  h.set(DLQ_HEADERS.consumer, PARKED_CONSUMER);
  h.set(DLQ_HEADERS.stream, "PAYMENTS");
  h.set(DLQ_HEADERS.subject, `payments.${payment.status}.${payment.orderId}`);
  h.set(DLQ_HEADERS.sequence, "0");
  h.set(DLQ_HEADERS.deliveries, String(payment.attempts));
  h.set(DLQ_HEADERS.time, new Date().toISOString());
  const body = JSON.stringify({ orderId: payment.orderId, step: payment.status, paymentIntentId: payment.paymentIntentId, reason });
  try {
    await js.publish(deadLetterSubject("PAYMENTS", PARKED_CONSUMER), body, { headers: h, msgID: `park:${payment.orderId}:${payment.status}` });
  } catch (error) {
    log.error({ err: error, orderId: payment.orderId }, "could not dead-letter a parked payment step (the row still says parked)");
  }
  log.error({ orderId: payment.orderId, step: payment.status, reason }, "payment step parked: needs an operator");
}
