import { headers as natsHeaders, type MsgHdrs } from "@nats-io/transport-node";
import type { JetStreamClient, JetStreamManager, MsgRequest, StoredMsg } from "@nats-io/jetstream";
import { DeadLetters } from "@checkout/contracts";
import { deadLetterFilterSubject, replayHeaders, replayMsgId, toDeadLetter, toEntry, type DeadLetter, type DeadLetterEntry, type DeadLetterFilter, type StoredDeadLetter } from "./entry.ts";
import { DeadLetterNotFoundError, ForeignConsumerError, isPublishPermissionError, ParkedStepError, ReplayNotPermittedError, TruncatedDeadLetterError } from "./errors.ts";

const DLQ = DeadLetters.name;
const BATCH = 500;
const PURGE_PARALLEL = 32;

export interface ListOptions extends DeadLetterFilter {
  /** at most this many, oldest first */
  limit: number;
}

/** Restricts single-entry operations to some consumers (a service's admin API: its own). */
export interface Scope {
  consumers?: readonly string[] | undefined;
}

export interface ReplayResult {
  /** the dead letter's sequence in DLQ (deleted now) */
  dlqSeq: number;
  consumer: string;
  stream: string;
  subject: string;
  /** the sequence of the replayed message in its stream */
  seq: number;
  /** the stream had it already (the same dead letter replayed twice within the duplicate window) */
  duplicate: boolean;
}

export interface ReplayAllResult {
  replayed: ReplayResult[];
  skipped: Array<{ seq: number; consumer: string; subject: string; reason: string }>;
}

const headerRecord = (headers: MsgHdrs | undefined): Record<string, string[]> => {
  const record: Record<string, string[]> = {};
  for (const [key, values] of headers ?? []) record[key] = [...values];
  return record;
};

const stored = (msg: { seq: number; subject: string; time: Date; data: Uint8Array }, headers: MsgHdrs | undefined): StoredDeadLetter => ({
  seq: msg.seq,
  subject: msg.subject,
  storedAt: msg.time,
  headers: headerRecord(headers),
  data: msg.data,
});

const isMissingStream = (error: unknown) => /stream not found/i.test(String((error as Error)?.message ?? error));
/**
 * The message is not (or no longer) there: 10037 no message found (MSG.GET), 10057 on a MSG.DELETE of
 * a deleted or never written sequence, and "sequence N not found" when two deletes of one race.
 */
const isMissingMessage = (error: unknown) =>
  [10037, 10057].includes(Number((error as { code?: unknown })?.code)) || /no message found|stream store EOF|sequence \d+ not found/i.test(String((error as Error)?.message ?? error));

/**
 * How dead letters are read. `consumer`: an ordered consumer (ephemeral, in memory, no acks, deleted
 * afterwards) fetching in batches, one round trip per batch: for the CLI. `get`: STREAM.MSG.GET with
 * `next_by_subj`, one round trip per message but nothing created on the server, so a service's NATS
 * user needs no consumer permissions on DLQ: for the services' admin API.
 */
export type Reader = "consumer" | "get";

export interface ReadOptions {
  via?: Reader | undefined;
}

async function scanWithConsumer(jsm: JetStreamManager, subject: string, limit: number, headersOnly: boolean): Promise<StoredDeadLetter[]> {
  const js = jsm.jetstream();
  let consumer;
  try {
    consumer = await js.consumers.get(DLQ, { filter_subjects: subject, headers_only: headersOnly, inactive_threshold: 60_000 });
  } catch (error) {
    if (isMissingStream(error)) return [];
    throw error;
  }
  const found: StoredDeadLetter[] = [];
  try {
    let pending = (await consumer.info(true)).num_pending;
    while (pending > 0 && found.length < limit) {
      let received = 0;
      for await (const msg of await consumer.fetch({ max_messages: Math.min(pending, BATCH, limit - found.length), expires: 2_000 })) {
        found.push(stored({ seq: msg.seq, subject: msg.subject, time: msg.time, data: msg.data }, msg.headers));
        received++;
        pending = msg.info.pending;
      }
      if (received === 0) break; // the rest went away (purged, replayed) while we read
    }
    return found;
  } finally {
    await consumer.delete().catch(() => {});
  }
}

async function scanWithGet(jsm: JetStreamManager, subject: string, limit: number): Promise<StoredDeadLetter[]> {
  const found: StoredDeadLetter[] = [];
  let seq = 1;
  while (found.length < limit) {
    let msg: StoredMsg | null;
    try {
      // STREAM.MSG.GET takes next_by_subj since nats-server 2.9 (verified on 2.9.10); the client's type
      // lists it for direct gets only
      msg = await jsm.streams.getMessage(DLQ, { seq, next_by_subj: subject } as unknown as MsgRequest);
    } catch (error) {
      if (isMissingStream(error)) return found;
      throw error;
    }
    if (!msg) break;
    found.push(stored(msg, msg.header));
    seq = msg.seq + 1;
  }
  return found;
}

/** The dead letters on a DLQ subject (`dlq.<stream>.<consumer>` encodes both filters), oldest first. */
function scan(jsm: JetStreamManager, subject: string, limit: number, { via = "consumer", headersOnly = false }: { via?: Reader | undefined; headersOnly?: boolean } = {}) {
  return via === "get" ? scanWithGet(jsm, subject, limit) : scanWithConsumer(jsm, subject, limit, headersOnly);
}

/** Dead letters, oldest first, up to `limit`; filtered by the consumer and/or the original stream. */
export async function listDeadLetters(jsm: JetStreamManager, { consumer, stream, limit, via }: ListOptions & ReadOptions): Promise<DeadLetterEntry[]> {
  if (limit <= 0) return [];
  return (await scan(jsm, deadLetterFilterSubject({ consumer, stream }), limit, { via })).map(toEntry);
}

/** How many dead letters match (from the stream's subject counts: no message is read). */
export async function countDeadLetters(jsm: JetStreamManager, filter: DeadLetterFilter = {}): Promise<number> {
  const subject = deadLetterFilterSubject(filter);
  try {
    const info = await jsm.streams.info(DLQ, { subjects_filter: subject });
    if (subject === `${DeadLetters.prefix}.>`) return info.state.messages;
    return Object.values(info.state.subjects ?? {}).reduce((sum, n) => sum + n, 0);
  } catch (error) {
    if (isMissingStream(error)) return 0;
    throw error;
  }
}

async function fetchOne(jsm: JetStreamManager, seq: number): Promise<StoredMsg> {
  let msg: StoredMsg | null;
  try {
    msg = await jsm.streams.getMessage(DLQ, { seq });
  } catch (error) {
    if (isMissingStream(error) || isMissingMessage(error)) throw new DeadLetterNotFoundError(seq);
    throw error;
  }
  if (!msg) throw new DeadLetterNotFoundError(seq);
  return msg;
}

function inScope(entry: DeadLetterEntry, { consumers }: Scope) {
  if (consumers && !consumers.includes(entry.consumer)) throw new ForeignConsumerError(entry.seq, entry.consumer, consumers);
}

/** One dead letter with its headers and body. */
export async function getDeadLetter(jsm: JetStreamManager, seq: number, scope: Scope = {}): Promise<DeadLetter> {
  const msg = await fetchOne(jsm, seq);
  const letter = toDeadLetter(stored(msg, msg.header));
  inScope(letter, scope);
  return letter;
}

/** Removes one dead letter, or says it was already gone (DeadLetterNotFoundError). */
export async function deleteDeadLetter(jsm: JetStreamManager, seq: number, scope: Scope = {}): Promise<void> {
  if (scope.consumers) await getDeadLetter(jsm, seq, scope);
  try {
    await jsm.streams.deleteMessage(DLQ, seq, false);
  } catch (error) {
    if (isMissingStream(error) || isMissingMessage(error)) throw new DeadLetterNotFoundError(seq);
    throw error;
  }
}

/**
 * Publishes a dead letter's original body to its original subject, with the original headers
 * (traceparent…) plus `Checkout-Replay-For: <consumer>`, so that only the consumer that gave up on it
 * handles it; every other consumer of the stream acks and skips it. The msg id `replay:<dlqSeq>` makes
 * a second replay of the same dead letter within the stream's duplicate window a no-op. Then the dead
 * letter is deleted. Parked payment steps are refused (they are not messages), and so is a publish
 * that nats-server's permissions refuse (the dead letter then stays).
 */
export async function replayDeadLetter(js: JetStreamClient, jsm: JetStreamManager, seq: number, scope: Scope = {}): Promise<ReplayResult> {
  const msg = await fetchOne(jsm, seq);
  const record = stored(msg, msg.header);
  const entry = toEntry(record);
  inScope(entry, scope);
  if (entry.parked) {
    const body = toDeadLetter(record).body as { step?: unknown } | string;
    throw new ParkedStepError(seq, entry.orderId, typeof body === "object" && typeof body?.step === "string" ? body.step : undefined);
  }
  if (entry.truncatedFrom !== undefined) throw new TruncatedDeadLetterError(seq, entry.truncatedFrom);
  const h = natsHeaders();
  for (const [key, value] of replayHeaders(record.headers, entry.consumer)) h.append(key, value);
  let ack;
  try {
    ack = await js.publish(entry.subject, msg.data, { headers: h, msgID: replayMsgId(seq) });
  } catch (error) {
    if (isPublishPermissionError(error)) throw new ReplayNotPermittedError(seq, entry.subject);
    throw error;
  }
  try {
    await jsm.streams.deleteMessage(DLQ, seq, false);
  } catch (error) {
    // a concurrent replay of the same dead letter deleted it first: its publish was deduplicated
    if (!isMissingMessage(error)) throw error;
  }
  return { dlqSeq: seq, consumer: entry.consumer, stream: ack.stream, subject: entry.subject, seq: ack.seq, duplicate: ack.duplicate };
}

/** Replays every matching dead letter (parked payment steps are skipped, with the reason). */
export async function replayAll(js: JetStreamClient, jsm: JetStreamManager, filter: DeadLetterFilter & Scope & ReadOptions = {}): Promise<ReplayAllResult> {
  const result: ReplayAllResult = { replayed: [], skipped: [] };
  const subjects = filter.consumers ? filter.consumers.map((consumer) => ({ consumer, stream: filter.stream })) : [{ consumer: filter.consumer, stream: filter.stream }];
  const entries = (await Promise.all(subjects.map((one) => scan(jsm, deadLetterFilterSubject(one), Number.MAX_SAFE_INTEGER, { via: filter.via })))).flat().map(toEntry);
  entries.sort((a, b) => a.seq - b.seq);
  for (const entry of entries) {
    if (filter.consumer && entry.consumer !== filter.consumer) continue;
    try {
      result.replayed.push(await replayDeadLetter(js, jsm, entry.seq, filter));
    } catch (error) {
      result.skipped.push({ seq: entry.seq, consumer: entry.consumer, subject: entry.subject, reason: (error as Error).message });
    }
  }
  return result;
}

/**
 * Deletes every matching dead letter (the whole DLQ without a filter); returns how many went. Message by
 * message (STREAM.MSG.DELETE, a few at a time), not STREAM.PURGE: the `operator` NATS user of
 * deploy/nats may delete dead letters but not purge streams.
 */
export async function purgeDeadLetters(jsm: JetStreamManager, filter: DeadLetterFilter & ReadOptions = {}): Promise<number> {
  const seqs = (await scan(jsm, deadLetterFilterSubject(filter), Number.MAX_SAFE_INTEGER, { via: filter.via, headersOnly: true })).map((letter) => letter.seq);
  let purged = 0;
  for (let at = 0; at < seqs.length; at += PURGE_PARALLEL) {
    const deleted = await Promise.all(
      seqs.slice(at, at + PURGE_PARALLEL).map((seq) =>
        jsm.streams.deleteMessage(DLQ, seq, false).then(
          () => 1,
          (error: unknown) => {
            if (isMissingMessage(error)) return 0; // replayed or deleted meanwhile
            throw error;
          },
        ),
      ),
    );
    purged += deleted.reduce((sum, n) => sum + n, 0);
  }
  return purged;
}
