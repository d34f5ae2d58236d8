import type { JetStreamClient, JetStreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { Buckets, Streams } from "@checkout/contracts";
import { countDeadLetters, listDeadLetters } from "@checkout/messaging";
import { contractProblem } from "../checks/contracts.ts";
import type { DeadLetterSummary, StreamScan } from "../model.ts";

const BATCH = 1_000;

const missing = (error: unknown) => /stream not found|bucket not found/i.test(String((error as Error)?.message ?? error));

/** The keys of the KV bucket `reservations` (null when there is no bucket). */
export async function loadHolds(nc: NatsConnection, jsm: JetStreamManager): Promise<string[] | null> {
  try {
    await jsm.streams.info(`KV_${Buckets.reservations}`);
  } catch (error) {
    if (missing(error)) return null;
    throw error;
  }
  const kv = await new Kvm(nc).open(Buckets.reservations);
  const keys: string[] = [];
  for await (const key of await kv.keys()) keys.push(key);
  return keys;
}

/**
 * Every message of one stream, checked against contracts/ as it streams by: an ordered consumer
 * (ephemeral, no acks, deleted afterwards) fetching up to 1,000 messages per round trip; only the
 * problems are kept, not the messages.
 */
export async function scanStream(js: JetStreamClient, stream: string): Promise<StreamScan> {
  const scan: StreamScan = { stream, exists: true, messages: 0, problems: [] };
  let consumer;
  try {
    consumer = await js.consumers.get(stream, { inactive_threshold: 60_000 });
  } catch (error) {
    if (missing(error)) return { ...scan, exists: false };
    throw error;
  }
  try {
    let pending = (await consumer.info(true)).num_pending;
    while (pending > 0) {
      let received = 0;
      for await (const msg of await consumer.fetch({ max_messages: Math.min(pending, BATCH), expires: 5_000 })) {
        received++;
        scan.messages++;
        pending = msg.info.pending;
        const problem = contractProblem(stream, msg.subject, msg.data);
        if (problem) scan.problems.push({ stream, seq: msg.seq, subject: msg.subject, problem });
      }
      if (received === 0) break; // the rest aged out while we read
    }
    return scan;
  } finally {
    await consumer.delete().catch(() => {});
  }
}

export const scanStreams = (js: JetStreamClient) => Promise.all(Object.values(Streams).map(({ name }) => scanStream(js, name)));

export async function loadDeadLetters(jsm: JetStreamManager, { limit = 1_000 } = {}): Promise<DeadLetterSummary> {
  const [total, entries] = await Promise.all([countDeadLetters(jsm), listDeadLetters(jsm, { limit })]);
  return { total, entries };
}
