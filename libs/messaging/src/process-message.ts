import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import type { Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import type { AnyEvent, Handler } from "./handler.ts";
import { backoffMs } from "./backoff.ts";
import { deadLetter, REPLAY_FOR_HEADER } from "./dead-letter.ts";
import { writeOutbox } from "./outbox.ts";
import { childTraceparent } from "./trace.ts";

/** Thrown by a handler for an event that can never succeed: it goes to the DLQ at once. */
export class UnprocessableEventError extends Error {
  readonly code = "unprocessable_event";
}

/** The largest event a consumer parses (an OrderPlaced of 100 lines is about 15 KiB); larger ones are dead-lettered. */
export const MAX_EVENT_BYTES = 64 * 1024;

export type Outcome = "handled" | "duplicate" | "skipped" | "retried" | "dead_lettered" | "unacked";

export interface ProcessOptions {
  js: JetStreamClient;
  sql: Sql;
  log: Logger;
  durable: string;
  stream: string;
  handlers: Map<string, Handler>;
  maxDeliveries?: number;
  maxEventBytes?: number;
  now?: () => Date;
  /**
   * Fault injection for crash tests: called after the commit and before the ack. Returning false leaves
   * the message unacknowledged, exactly as if the process had died on that line.
   */
  beforeAck?: (event: AnyEvent) => boolean | Promise<boolean>;
}

export async function processMessage(msg: JsMsg, { js, sql, log, durable, stream, handlers, maxDeliveries = 5, maxEventBytes = MAX_EVENT_BYTES, now = () => new Date(), beforeAck }: ProcessOptions): Promise<Outcome> {
  const { deliveryCount, streamSequence } = msg.info;
  const where = { consumer: durable, subject: msg.subject, seq: streamSequence, deliveries: deliveryCount };
  const handler = handlers.get(msg.subject.split(".")[1] ?? "");
  const replayFor = msg.headers?.get(REPLAY_FOR_HEADER);
  if (!handler || (replayFor && replayFor !== durable)) {
    msg.ack(); // an event this service does not react to, or a replay meant for another consumer
    return "skipped";
  }

  const toDeadLetters = async (reason: string): Promise<Outcome> => {
    try {
      await deadLetter(js, msg, { stream, consumer: durable, reason });
      msg.term();
      log.error({ ...where, reason }, "message dead-lettered");
      return "dead_lettered";
    } catch (error) {
      log.warn({ ...where, err: error }, "could not dead-letter; will retry");
      msg.nak(backoffMs(deliveryCount));
      return "retried";
    }
  };

  if (deliveryCount > maxDeliveries) {
    return toDeadLetters(`gave up after ${maxDeliveries} deliveries: the last attempts did not finish (crash or ack timeout)`);
  }

  if (msg.data.length > maxEventBytes) {
    return toDeadLetters(`oversized: ${msg.data.length} bytes; an event may have at most ${maxEventBytes}`);
  }

  let event: AnyEvent;
  try {
    event = handler.subscribe.parse(JSON.parse(new TextDecoder().decode(msg.data)));
  } catch (error) {
    return toDeadLetters(`invalid event: ${(error as Error).message}`);
  }

  const eventLog = log.child({ orderId: event.subject, eventId: event.id, type: event.type, consumer: durable });
  try {
    const fresh = await sql.begin(async (tx) => {
      const [inserted] = await tx`
        INSERT INTO inbox (consumer, event_id, stream_seq) VALUES (${durable}, ${event.id}, ${streamSequence})
        ON CONFLICT DO NOTHING RETURNING 1 AS fresh`;
      if (!inserted) return false;
      const emitted = await handler.handle(event, { sql: tx, now, log: eventLog, message: { subject: msg.subject, streamSequence, deliveryCount } });
      await writeOutbox(tx, emitted, { traceparent: childTraceparent(msg.headers?.get("traceparent")) });
      eventLog.debug({ emitted: emitted.map((e) => e.type) }, "handled");
      return true;
    });
    if (beforeAck && !(await beforeAck(event))) return "unacked";
    msg.ack();
    return fresh ? "handled" : "duplicate";
  } catch (error) {
    if (error instanceof UnprocessableEventError) return toDeadLetters(`unprocessable: ${error.message}`);
    if (deliveryCount >= maxDeliveries) return toDeadLetters(`failed ${deliveryCount} times, last: ${(error as Error).message}`);
    const delay = backoffMs(deliveryCount);
    eventLog.warn({ ...where, err: error, retryInMs: delay }, "handler failed; will retry");
    msg.nak(delay);
    return "retried";
  }
}
