import type { JetStreamClient, JetStreamManager, JsMsg } from "@nats-io/jetstream";
import { DeadLetters, Streams } from "@checkout/contracts";
import { DLQ_HEADERS } from "@checkout/messaging";
import type { StoredMessage } from "./facts.ts";

const BATCH = 256;

export interface OrderMessages {
  /** messages of the four event streams whose subject ends with the order id */
  events: StoredMessage[];
  /** dead letters whose original subject ends with the order id */
  deadLetters: StoredMessage[];
  /** streams that do not exist on this server */
  missing: string[];
}

const streamExists = (jsm: JetStreamManager, stream: string) =>
  jsm.streams.info(stream).then(
    () => true,
    (error: unknown) => {
      if (/stream not found/i.test(String((error as Error).message))) return false;
      throw error;
    },
  );

function headerRecord(msg: { headers?: { get(key: string): string } | undefined }): Record<string, string> {
  const record: Record<string, string> = {};
  for (const name of Object.values(DLQ_HEADERS)) {
    const value = msg.headers?.get(name);
    if (value) record[name] = value;
  }
  return record;
}

const stored = (stream: string, msg: JsMsg): StoredMessage => ({
  stream,
  seq: msg.seq,
  subject: msg.subject,
  storedAt: msg.time.toISOString(),
  data: msg.data,
  headers: headerRecord(msg),
});

/**
 * Every message of `stream` on one filter subject, through an ordered consumer (ephemeral, in memory,
 * no acks) that is deleted afterwards. One filter subject only: nats-server 2.9 has no
 * `filter_subjects`, so the string form is sent as `filter_subject`.
 */
export async function readSubject(js: JetStreamClient, stream: string, filter: string, { headersOnly = false } = {}): Promise<JsMsg[]> {
  const consumer = await js.consumers.get(stream, { filter_subjects: filter, headers_only: headersOnly, inactive_threshold: 60_000 });
  try {
    let pending = (await consumer.info(true)).num_pending;
    const messages: JsMsg[] = [];
    while (pending > 0) {
      let received = 0;
      for await (const msg of await consumer.fetch({ max_messages: Math.min(pending, BATCH), expires: 2_000 })) {
        messages.push(msg);
        received++;
        pending = msg.info.pending;
      }
      if (received === 0) break; // the rest was removed (max_age, purge) while we read
    }
    return messages;
  } finally {
    await consumer.delete().catch(() => {}); // an ordered consumer also goes away by itself when idle
  }
}

/** Everything JetStream holds about one order: its events in each stream and its dead letters. */
export async function readOrder(js: JetStreamClient, jsm: JetStreamManager, orderId: string): Promise<OrderMessages> {
  const result: OrderMessages = { events: [], deadLetters: [], missing: [] };
  for (const { name, prefix } of Object.values(Streams)) {
    if (!(await streamExists(jsm, name))) {
      result.missing.push(name);
      continue;
    }
    for (const msg of await readSubject(js, name, `${prefix}.*.${orderId}`)) result.events.push(stored(name, msg));
  }

  if (!(await streamExists(jsm, DeadLetters.name))) {
    result.missing.push(DeadLetters.name);
    return result;
  }
  // A dead letter's own subject names the consumer, not the order: scan headers only, then fetch the
  // few that belong to this order.
  const headers = await readSubject(js, DeadLetters.name, `${DeadLetters.prefix}.>`, { headersOnly: true });
  for (const msg of headers) {
    if (!msg.headers?.get(DLQ_HEADERS.subject).endsWith(`.${orderId}`)) continue;
    const full = await jsm.streams.getMessage(DeadLetters.name, { seq: msg.seq });
    if (!full) continue;
    result.deadLetters.push({
      stream: DeadLetters.name,
      seq: full.seq,
      subject: full.subject,
      storedAt: full.time.toISOString(),
      data: full.data,
      headers: headerRecord({ headers: full.header }),
    });
  }
  return result;
}
