import type { JetStreamClient, JsMsg } from "@nats-io/jetstream";
import { CommittedDespiteFailure, transaction, type Sql } from "@checkout/db";
import { lazyChild, type Logger } from "@checkout/log";
import type { AnyEvent, Handler } from "./handler.ts";
import { backoffMs } from "./backoff.ts";
import { deadLetter, REPLAY_FOR_HEADER } from "./dead-letter.ts";
import { writeOutboxEntries, type OutboxEntry } from "./outbox.ts";
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
  /** called once a batch has committed events to the outbox, so the relay of this process starts at once */
  onOutboxWritten?: () => void;
}

/** A message that parsed against its contract and waits for its transaction. */
interface Parsed {
  msg: JsMsg;
  event: AnyEvent;
  handler: Handler;
  log: Logger;
}

const decoder = new TextDecoder();
const whereOf = (msg: JsMsg, durable: string) => ({ consumer: durable, subject: msg.subject, seq: msg.info.streamSequence, deliveries: msg.info.deliveryCount });

/**
 * Handles a batch of messages of one consumer in one PostgreSQL transaction: the inbox records of all of
 * them (one statement), the handlers' business writes, the outbox rows of everything they emitted (one
 * statement), commit, then every ack. The handlers of different orders run side by side, so that their
 * statements travel together (a round trip costs far more CPU than the statement in it); those of one
 * order run one after the other in stream order, and so do those of one shared key (Handler.sharedKeys:
 * the stock a reservation reads), except for their `prepare`, which runs side by side. When every
 * message is a first delivery, the handlers start with the inbox statement, on the guess that no event
 * is a duplicate, and their writes travel with the COMMIT (HandlerContext.later): one commit and two
 * round trips per batch when they read once, instead of several per message (commitTogether), with the
 * guarantee of ARCHITECTURE §5.1 unchanged: the batch commits as a whole or not at all, and nothing is
 * acked before its commit.
 *
 * Failure isolation: messages that cannot even be parsed are dead-lettered before the transaction. When
 * a handler fails, the transaction is rolled back and the batch is split around it: the messages before
 * it commit as a batch, the failing one is retried alone (and naked with backoff or dead-lettered on its
 * own count, exactly as a message handled by itself), and those after it form a new batch. So a poison
 * message costs its neighbours one retry, never their delivery.
 *
 * The messages are sorted by order id (the subject of the event; the sort is stable, so one order's
 * events keep their stream order). Batches that run side by side, of this consumer or of the service's
 * other consumers, then mostly take their orders' row locks in the same order; a deadlock that happens
 * anyway fails the batch, which is split as above.
 *
 * Returns the outcome of every message, in the order given.
 */
export async function processBatch(messages: JsMsg[], options: ProcessOptions): Promise<Outcome[]> {
  const outcomes = new Map<JsMsg, Outcome>();
  const parsed: Parsed[] = [];
  const copies: Array<{ copy: JsMsg; first: JsMsg }> = [];
  // a stream message delivered again while its first delivery waits in the batch: judged by that one
  // alone (not dead-lettered on its own delivery count while the first is being handled)
  const firstDelivery = new Map<number, JsMsg>();
  const redeliveries: Array<{ copy: JsMsg; first: JsMsg }> = [];
  const delivered: JsMsg[] = [];
  for (const msg of messages) {
    const first = firstDelivery.get(msg.seq);
    if (first) redeliveries.push({ copy: msg, first });
    else {
      firstDelivery.set(msg.seq, msg);
      delivered.push(msg);
    }
  }
  const firstOf = new Map<string, JsMsg>(); // event id → the copy that goes into the transaction
  const triaged = await Promise.all(delivered.map((msg) => triage(msg, options)));
  for (const [index, result] of triaged.entries()) {
    const msg = delivered[index]!;
    if (typeof result === "string") outcomes.set(msg, result);
    else if (firstOf.has(result.event.id)) copies.push({ copy: msg, first: firstOf.get(result.event.id)! }); // the same event under another stream sequence (published twice)
    else {
      firstOf.set(result.event.id, msg);
      parsed.push(result);
    }
  }
  parsed.sort((a, b) => (a.event.subject < b.event.subject ? -1 : a.event.subject > b.event.subject ? 1 : 0));
  for (const [item, outcome] of await commitInParts(parsed, options)) outcomes.set(item.msg, outcome);
  // the copies of an event first, since a redelivery's first delivery may be one of them
  for (const { copy, first } of [...copies, ...redeliveries]) outcomes.set(copy, settleCopy(copy, outcomes.get(first)!));
  return messages.map((msg) => outcomes.get(msg)!);
}

/**
 * A copy of an event that another message of the batch carried. Once the first copy is done for good
 * (committed, recognised, dead-lettered) this one has nothing left to do. Otherwise it must not be
 * acked: it may be the very same stream message delivered again, and the server forgets a message
 * acked in any of its deliveries, so an ack here would lose the event the first copy failed on.
 */
function settleCopy(copy: JsMsg, firstOutcome: Outcome): Outcome {
  switch (firstOutcome) {
    case "handled":
    case "duplicate":
    case "skipped":
    case "dead_lettered":
      copy.ack();
      return "duplicate";
    case "retried":
      copy.nak(backoffMs(copy.info.deliveryCount));
      return "retried";
    case "unacked":
      return "unacked"; // as if the process had died: the server delivers it again
  }
}

/**
 * A message delivered more than `maxDeliveries` × this many times without a handler ever failing on it
 * is taken for one that kills the process, and dead-lettered unread. Not at `maxDeliveries` itself: a
 * consumer holds up to CONSUMER_BATCH × CONSUMER_CONCURRENCY messages it has not started, and each crash
 * or restart of the process delivers all of them again, so a few restarts in a row (a rolling deploy, a
 * crash loop while PostgreSQL restarts) would otherwise dead-letter innocent messages.
 */
const CRASH_LIMIT_FACTOR = 4;

/** What can be decided about a message before any transaction: skip it, dead-letter it, or parse it. */
async function triage(msg: JsMsg, options: ProcessOptions): Promise<Outcome | Parsed> {
  const { durable, handlers, log, maxDeliveries = 5, maxEventBytes = MAX_EVENT_BYTES } = options;
  const handler = handlers.get(msg.subject.split(".")[1] ?? "");
  const replayFor = msg.headers?.get(REPLAY_FOR_HEADER);
  if (!handler || (replayFor && replayFor !== durable)) {
    msg.ack(); // an event this service does not react to, or a replay meant for another consumer
    return "skipped";
  }
  const crashLimit = maxDeliveries * CRASH_LIMIT_FACTOR;
  if (msg.info.deliveryCount > crashLimit) {
    return toDeadLetters(msg, `gave up after ${crashLimit} deliveries: the last attempts did not finish (crash or ack timeout)`, options);
  }
  if (msg.data.length > maxEventBytes) {
    return toDeadLetters(msg, `oversized: ${msg.data.length} bytes; an event may have at most ${maxEventBytes}`, options);
  }
  let event: AnyEvent;
  try {
    event = handler.subscribe.parse(JSON.parse(decoder.decode(msg.data)));
  } catch (error) {
    return toDeadLetters(msg, `invalid event: ${(error as Error).message}`, options);
  }
  if (ignores(handler, event, log)) {
    msg.ack();
    return "skipped";
  }
  return { msg, event, handler, log: lazyChild(log, { orderId: event.subject, eventId: event.id, type: event.type, consumer: durable }) };
}

/** Handler.ignores, where a predicate that throws (a bug) means "handle it": never lose an event to it. */
function ignores(handler: Handler, event: AnyEvent, log: Logger): boolean {
  try {
    return handler.ignores?.(event) ?? false;
  } catch (error) {
    log.warn({ err: error, eventId: event.id, type: event.type }, "ignores() threw; handling the event");
    return false;
  }
}

async function toDeadLetters(msg: JsMsg, reason: string, { js, stream, durable, log }: ProcessOptions): Promise<Outcome> {
  const where = whereOf(msg, durable);
  try {
    await deadLetter(js, msg, { stream, consumer: durable, reason });
    msg.term();
    log.error({ ...where, reason }, "message dead-lettered");
    return "dead_lettered";
  } catch (error) {
    log.warn({ ...where, err: error }, "could not dead-letter; will retry");
    msg.nak(backoffMs(msg.info.deliveryCount));
    return "retried";
  }
}

/** A handler failed at `index` of the batch (or, with index -1, the inbox, outbox or commit did). */
class BatchFailed extends Error {
  constructor(
    readonly index: number,
    readonly failure: unknown,
  ) {
    super((failure as Error)?.message ?? String(failure));
  }
}

/** PostgreSQL's deadlock_detected and serialization_failure */
const TRANSIENT_CODES = new Set(["40P01", "40001"]);
const TRANSIENT_ATTEMPTS = 3;

/** Commits `items` as one transaction; when that fails, splits the batch around the failure (see processBatch). */
async function commitInParts(items: Parsed[], options: ProcessOptions, attempt = 1): Promise<Array<[Parsed, Outcome]>> {
  if (items.length === 0) return [];
  try {
    return await commitTogether(items, options);
  } catch (error) {
    const { index, failure } = error as BatchFailed;
    if (items.length === 1) {
      // a deadlock or serialization failure is the luck of the moment, not the message's: try again here
      // rather than spend one of its deliveries on it
      if (attempt < TRANSIENT_ATTEMPTS && TRANSIENT_CODES.has((failure as { code?: string })?.code ?? "")) return commitInParts(items, options, attempt + 1);
      return [[items[0]!, await failed(items[0]!, failure, options)]];
    }
    if (index < 0) {
      // not one handler's doing (the connection, a commit that failed): each message on its own
      const results: Array<[Parsed, Outcome]> = [];
      for (const item of items) results.push(...(await commitInParts([item], options)));
      return results;
    }
    return [
      ...(await commitInParts(items.slice(0, index), options)),
      ...(await commitInParts([items[index]!], options)),
      ...(await commitInParts(items.slice(index + 1), options)),
    ];
  }
}

/**
 * The inbox found an event of the batch already handled, after the handlers had started on the guess
 * that none was: their work is rolled back and the batch is done again, the inbox first.
 */
class GuessedWrong extends Error {}

/**
 * Commits `items` in one transaction. When every message is a first delivery, on the guess that no
 * event of the batch was handled before: the handlers start at once, so their first reads travel with
 * BEGIN and the inbox records, and with their writes deferred (`later`) a batch whose handlers read once
 * costs two round trips. A duplicate is then rare (an event published twice, by a relay that died
 * between publishing and deleting its row, after the stream's duplicate window). When the inbox says
 * otherwise, everything is rolled back (nothing was acked) and the batch is done again with the inbox
 * read first, as for a batch with a redelivery (the usual duplicate) in it.
 */
async function commitTogether(items: Parsed[], options: ProcessOptions, guess = items.every(({ msg }) => msg.info.deliveryCount === 1)): Promise<Array<[Parsed, Outcome]>> {
  const { sql, durable, log, now = () => new Date(), beforeAck, onOutboxWritten } = options;
  let failure: { index: number; error: unknown } | undefined;
  let inboxFailure: { error: unknown } | undefined;
  let fresh = new Set<string>();
  let emittedAny = false;
  try {
    await transaction(sql, async (tx, { later: withCommit }) => {
      // arrays, not a row of parameters per message: one statement text whatever the batch's size, so it
      // is prepared once per connection (postgres.js stops pipelining behind a statement it must prepare)
      const eventIds = items.map(({ event }) => event.id);
      const streamSeqs = items.map(({ msg }) => msg.info.streamSequence);
      const inserting = tx`
        INSERT INTO inbox (consumer, event_id, stream_seq)
        SELECT ${durable}, event_id, stream_seq FROM unnest(${eventIds}::text[], ${streamSeqs}::bigint[]) AS given(event_id, stream_seq)
        ON CONFLICT DO NOTHING RETURNING event_id`.execute();
      const emitted: AnyEvent[][] = items.map(() => []);
      // each handler waits for the earlier handlers of its order, and its `handle` for those that share
      // one of its other keys (its stock)
      const tails = new Map<string, Promise<void>>();
      const runs: Array<Promise<void> | undefined> = [];
      const scratch = new Map<string, unknown>(); // HandlerContext.shared: this transaction's
      const shared = <T>(key: string, create: () => T): T => {
        if (!scratch.has(key)) scratch.set(key, create());
        return scratch.get(key) as T;
      };
      const start = (item: Parsed, index: number) => {
        const { msg, event, handler, log } = item;
        let sharedKeys: string[];
        try {
          sharedKeys = handler.sharedKeys?.(event) ?? [];
        } catch (error) {
          failure ??= { index, error };
          return;
        }
        const ofOrder = tails.get(event.subject);
        const ofShared = sharedKeys.flatMap((key) => tails.get(key) ?? []);
        // a deferred write that fails is this handler's failure (it is answered before any statement
        // sent after it, which then fails only because the transaction is aborted)
        const later = (statement: Promise<unknown>) => {
          withCommit(statement);
          statement.catch((error: unknown) => {
            failure ??= { index, error };
          });
        };
        const context = { sql: tx, now, log, later, shared, message: { subject: msg.subject, streamSequence: msg.info.streamSequence, deliveryCount: msg.info.deliveryCount } };
        const run = (async () => {
          await ofOrder;
          if (failure) return; // the transaction is lost anyway
          const prepared: unknown = handler.prepare ? await handler.prepare(event, context) : undefined;
          await Promise.all(ofShared);
          if (failure) return;
          emitted[index] = await handler.handle(event, context, prepared);
          if (log.isLevelEnabled("debug")) log.debug({ emitted: emitted[index]!.map((e) => e.type) }, "handled");
        })().catch((error: unknown) => {
          failure ??= { index, error };
        });
        for (const key of [event.subject, ...sharedKeys]) tails.set(key, run);
        runs[index] = run;
      };
      if (guess) items.forEach(start);
      let inserted: Awaited<typeof inserting>;
      try {
        inserted = await inserting;
      } catch (error) {
        inboxFailure = { error }; // the handlers' statements after it fail only because of it
        throw error;
      } finally {
        // not one more statement of a handler after the transaction ends
        if (guess) await Promise.all(runs);
      }
      fresh = new Set(inserted.map((row) => row.event_id as string));
      if (guess && fresh.size < items.length) throw new GuessedWrong();
      if (!guess) items.forEach((item, index) => fresh.has(item.event.id) && start(item, index));
      await Promise.all(runs);
      if (failure) throw failure.error;
      const outbox: OutboxEntry[] = [];
      for (const [index, events] of emitted.entries()) {
        if (events.length === 0) continue;
        const traceparent = childTraceparent(items[index]!.msg.headers?.get("traceparent"));
        for (const event of events) outbox.push({ event, traceparent });
      }
      withCommit(writeOutboxEntries(tx, outbox)); // with the COMMIT, in one round trip
      emittedAny = outbox.length > 0;
    });
  } catch (error) {
    if (error instanceof GuessedWrong) return commitTogether(items, options, false);
    if (error instanceof CommittedDespiteFailure) {
      // committed all the same: the messages are acked below, and the bug is told
      log.error({ err: error.failure, consumer: durable, eventIds: items.map((item) => item.event.id) }, "batch committed, but a write handed to later() failed in JavaScript: a bug in that write");
    } else if (inboxFailure) throw new BatchFailed(-1, inboxFailure.error);
    else throw new BatchFailed(failure?.index ?? -1, failure?.error ?? error);
  }
  if (emittedAny) onOutboxWritten?.();
  const results: Array<[Parsed, Outcome]> = [];
  for (const item of items) {
    if (beforeAck && !(await beforeAck(item.event))) {
      results.push([item, "unacked"]);
      continue;
    }
    item.msg.ack();
    results.push([item, fresh.has(item.event.id) ? "handled" : "duplicate"]);
  }
  return results;
}

/** A message whose transaction failed when handled alone: dead-letter it or try again later. */
async function failed(item: Parsed, failure: unknown, options: ProcessOptions): Promise<Outcome> {
  const { msg, log } = item;
  const { maxDeliveries = 5, durable } = options;
  const { deliveryCount } = msg.info;
  if (failure instanceof UnprocessableEventError) return toDeadLetters(msg, `unprocessable: ${failure.message}`, options);
  if (deliveryCount >= maxDeliveries) return toDeadLetters(msg, `failed ${deliveryCount} times, last: ${(failure as Error).message}`, options);
  const delay = backoffMs(deliveryCount);
  log.warn({ ...whereOf(msg, durable), err: failure, retryInMs: delay }, "handler failed; will retry");
  msg.nak(delay);
  return "retried";
}
