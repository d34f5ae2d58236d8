import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { OrderPlaced } from "@checkout/contracts";
import { connect as connectDb, migrate, type Sql } from "@checkout/db";
import { createLogger } from "@checkout/log";
import { createTestDatabase, orderPlaced, startNatsServer, waitFor, type NatsServer, type TestDatabase } from "@checkout/testing";
import { defineHandler, type Handler } from "./handler.ts";
import { DLQ_HEADERS, MESSAGING_MIGRATIONS } from "./index.ts";
import { processBatch } from "./process-message.ts";
import { ensureConsumer, ensureStreams } from "./topology.ts";

// The same stream message delivered twice, both deliveries in one batch: the server forgets a message
// acked in any of its deliveries, so what the second delivery does decides whether the event survives
// a failure of the first.

let nats: NatsServer;
let db: TestDatabase;
let sql: Sql;
let nc: NatsConnection;
let js: JetStreamClient;
let jsm: JetStreamManager;
const log = createLogger({ service: "test", level: "silent" });

let fail = true;
let deadlocksLeft = 0;
const handled: string[] = [];
const onPlaced = defineHandler({
  subscribe: OrderPlaced,
  async handle(event, { sql: tx }) {
    if (fail) throw new Error("simulated handler failure");
    if (deadlocksLeft > 0) {
      deadlocksLeft -= 1;
      await tx`DO $$ BEGIN RAISE EXCEPTION 'simulated deadlock' USING ERRCODE = 'deadlock_detected'; END $$`;
    }
    handled.push(event.id);
    return [];
  },
});
const handlers = new Map<string, Handler>([["placed", onPlaced as Handler]]);

beforeAll(async () => {
  nats = await startNatsServer();
  db = await createTestDatabase("copies");
  sql = connectDb(db.url);
  await migrate(sql, [MESSAGING_MIGRATIONS]);
  nc = await connect({ servers: nats.url });
  jsm = await jetstreamManager(nc);
  await ensureStreams(jsm);
  js = jetstream(nc);
});
afterAll(async () => {
  await nc?.close();
  await sql?.end();
  await db?.drop();
  await nats?.stop();
});

/** one delivery of the next message of `durable`, or undefined when none comes within `ms` */
const next = async (durable: string, ms: number) => (await (await js.consumers.get("ORDERS", durable)).next({ expires: ms })) ?? undefined;

/** a new OrderPlaced on a consumer of its own, delivered twice: the second time once the ack wait (1 s) ran out */
async function deliveredTwice(durable: string) {
  const event = orderPlaced();
  await ensureConsumer(jsm, { stream: "ORDERS", durable, filterSubjects: [OrderPlaced.subject(event.subject)], ackWaitMs: 1_000 });
  await js.publish(OrderPlaced.subject(event.subject), JSON.stringify(event), { msgID: event.id });
  const first = (await next(durable, 2_000))!;
  const second = (await next(durable, 3_000))!;
  expect(second.seq).toBe(first.seq);
  expect(second.info.deliveryCount).toBe(2);
  return { event, first, second };
}

describe("two deliveries of one stream message in one batch", () => {
  it("does not ack the second when the first failed: the event comes back and is handled", async () => {
    const durable = "copies-failed";
    const { event, first, second } = await deliveredTwice(durable);

    const options = { js, sql, log, durable, stream: "ORDERS", handlers, maxDeliveries: 5 };
    const outcomes = await processBatch([first, second], options);

    fail = false;
    const again: JsMsg | undefined = await next(durable, 5_000);
    expect(again?.seq).toBe(first.seq); // not lost
    expect(outcomes).toEqual(["retried", "retried"]);
    expect(await processBatch([again!], options)).toEqual(["handled"]);
    expect(handled).toEqual([event.id]);
  }, 20_000);

  it("judges the second by the first: past the delivery limit itself, it is not dead-lettered while the first is handled", async () => {
    const durable = "copies-limit";
    const { event, first, second } = await deliveredTwice(durable);
    const deadLetters = (await jsm.streams.info("DLQ")).state.messages;

    fail = false;
    const outcomes = await processBatch([first, second], { js, sql, log, durable, stream: "ORDERS", handlers, maxDeliveries: 1 });
    expect(outcomes).toEqual(["handled", "duplicate"]);
    expect(handled.filter((id) => id === event.id)).toHaveLength(1);
    expect((await jsm.streams.info("DLQ")).state.messages).toBe(deadLetters);
    expect(await next(durable, 1_500)).toBeUndefined(); // acked: nothing comes back
  }, 20_000);
});

describe("a message whose deliveries do not finish (the process died, or the ack wait ran out)", () => {
  it("is still handled past maxDeliveries, and dead-lettered unread only past four times that", async () => {
    fail = false;
    const limit = { js, sql, log, stream: "ORDERS", handlers, maxDeliveries: 1 };
    const deadLetters = async () => (await jsm.streams.info("DLQ")).state.messages;

    const { event: survivor, second } = await deliveredTwice("unfinished-twice"); // the first delivery never finished
    expect(await processBatch([second], { ...limit, durable: "unfinished-twice" })).toEqual(["handled"]);
    expect(handled).toContain(survivor.id);

    const { event: doomed, second: again } = await deliveredTwice("unfinished-often");
    const before = await deadLetters();
    let last = again;
    while (last.info.deliveryCount <= 4) last = (await next("unfinished-often", 3_000))!; // never acked: delivered again
    expect(last.info.deliveryCount).toBe(5);
    expect(await processBatch([last], { ...limit, durable: "unfinished-often" })).toEqual(["dead_lettered"]);
    expect(await deadLetters()).toBe(before + 1);
    expect(handled).not.toContain(doomed.id);
  }, 30_000);
});

describe("a deadlock", () => {
  it("is tried again at once, without spending a delivery: the message is handled on its first", async () => {
    fail = false;
    deadlocksLeft = 2;
    const durable = "deadlocked";
    const event = orderPlaced();
    await ensureConsumer(jsm, { stream: "ORDERS", durable, filterSubjects: [OrderPlaced.subject(event.subject)], ackWaitMs: 5_000 });
    await js.publish(OrderPlaced.subject(event.subject), JSON.stringify(event), { msgID: event.id });
    const msg = (await next(durable, 2_000))!;
    expect(await processBatch([msg], { js, sql, log, durable, stream: "ORDERS", handlers, maxDeliveries: 5 })).toEqual(["handled"]);
    expect(deadlocksLeft).toBe(0);
    expect(handled).toContain(event.id);
  });
});

describe("an event the handler ignores (Handler.ignores)", () => {
  it("is acked as skipped with no inbox record, while the rest of its batch is handled", async () => {
    fail = false;
    const durable = "ignoring";
    const ignoring = new Map<string, Handler>([["placed", { ...onPlaced, ignores: (event) => event.data.paymentMethod === "pm_ignore_me" } as Handler]]);
    const ignored = orderPlaced({ paymentMethod: "pm_ignore_me" });
    const kept = orderPlaced({ orderId: ignored.subject }); // one subject, so the new consumer sees just these two
    await ensureConsumer(jsm, { stream: "ORDERS", durable, filterSubjects: [OrderPlaced.subject(ignored.subject)], ackWaitMs: 1_000 });
    for (const event of [ignored, kept]) await js.publish(OrderPlaced.subject(event.subject), JSON.stringify(event), { msgID: event.id });
    const batch = [(await next(durable, 2_000))!, (await next(durable, 2_000))!];

    expect(await processBatch(batch, { js, sql, log, durable, stream: "ORDERS", handlers: ignoring })).toEqual(["skipped", "handled"]);
    expect(handled).toContain(kept.id);
    expect(handled).not.toContain(ignored.id);
    const inbox = await sql`SELECT event_id FROM inbox WHERE consumer = ${durable}`;
    expect(inbox.map((row) => row.event_id)).toEqual([kept.id]);
    expect(await next(durable, 1_500)).toBeUndefined(); // both acked: nothing comes back after the ack wait
  }, 20_000);

  it("is handled after all when the predicate throws: a bug in ignores() never drops an event", async () => {
    fail = false;
    const durable = "ignoring-broken";
    const broken = new Map<string, Handler>([["placed", { ...onPlaced, ignores: () => { throw new Error("bug"); } } as Handler]]);
    const event = orderPlaced();
    await ensureConsumer(jsm, { stream: "ORDERS", durable, filterSubjects: [OrderPlaced.subject(event.subject)], ackWaitMs: 1_000 });
    await js.publish(OrderPlaced.subject(event.subject), JSON.stringify(event), { msgID: event.id });
    expect(await processBatch([(await next(durable, 2_000))!], { js, sql, log, durable, stream: "ORDERS", handlers: broken })).toEqual(["handled"]);
    expect(handled).toContain(event.id);
  }, 20_000);
});

describe("a batch with an event that was handled before", () => {
  const calls = new Map<string, number>();
  const postCheckFails = new Set<string>();
  const recording = new Map<string, Handler>([
    [
      "placed",
      defineHandler({
        subscribe: OrderPlaced,
        async handle(event, { sql: tx, later }) {
          calls.set(event.id, (calls.get(event.id) ?? 0) + 1);
          const effect = tx`INSERT INTO effects (event_id) VALUES (${event.id})`;
          // the check fails once the COMMIT is answered (had it failed before, fn would have rolled back)
          const tooLate = () => new Promise((_, reject) => setTimeout(() => reject(new Error("a check in JavaScript after the statement")), 200));
          later(postCheckFails.has(event.id) ? effect.then(tooLate) : effect);
          return [];
        },
      }) as Handler,
    ],
  ]);
  const optionsFor = (durable: string) => ({ js, sql, log, durable, stream: "ORDERS", handlers: recording });
  const eventIdOf = (msg: JsMsg) => (JSON.parse(new TextDecoder().decode(msg.data)) as { id: string }).id;
  const effectsOf = async (events: Array<{ id: string }>) =>
    Object.fromEntries(
      (await sql`SELECT event_id, count(*)::int AS n FROM effects WHERE event_id = ANY(${events.map((e) => e.id)}::uuid[]) GROUP BY event_id`).map((row) => [row.event_id, row.n]),
    );
  beforeAll(async () => {
    await sql`CREATE TABLE IF NOT EXISTS effects (event_id uuid NOT NULL)`; // no key: a second effect would show
  });

  it("published twice, both first deliveries: begun on the guess that none was, rolled back, done again; each event takes effect once", async () => {
    const options = optionsFor("guessed-wrong");
    const first = orderPlaced();
    const others = [orderPlaced({ orderId: first.subject }), orderPlaced({ orderId: first.subject })]; // one subject, so the new consumer sees just these
    await ensureConsumer(jsm, { stream: "ORDERS", durable: options.durable, filterSubjects: [OrderPlaced.subject(first.subject)], ackWaitMs: 5_000 });
    await js.publish(OrderPlaced.subject(first.subject), JSON.stringify(first), { msgID: first.id });
    expect(await processBatch([(await next(options.durable, 2_000))!], options)).toEqual(["handled"]);
    // the same event again under another message id, as a relay that died between publishing and
    // deleting its outbox row publishes it after the stream's duplicate window: a first delivery
    await js.publish(OrderPlaced.subject(first.subject), JSON.stringify(first), { msgID: `${first.id}-again` });
    for (const event of others) await js.publish(OrderPlaced.subject(event.subject), JSON.stringify(event), { msgID: event.id });
    const batch = [(await next(options.durable, 2_000))!, (await next(options.durable, 2_000))!, (await next(options.durable, 2_000))!];
    expect(batch.map((msg) => [eventIdOf(msg), msg.info.deliveryCount])).toEqual([first, ...others].map((e) => [e.id, 1]));

    expect(await processBatch(batch, options)).toEqual(["duplicate", "handled", "handled"]);
    expect(await effectsOf([first, ...others])).toEqual({ [first.id]: 1, [others[0]!.id]: 1, [others[1]!.id]: 1 });
    expect(calls.get(first.id)).toBe(2); // once when it was new; once more on the guess, whose work was rolled back
    await waitFor(async () => (await jsm.consumers.info("ORDERS", options.durable)).num_ack_pending === 0, { timeoutMs: 3_000, what: "all three acked" });
  }, 20_000);

  it("with a redelivery in it: no guess, the inbox first, and the redelivered event's handler does not run again", async () => {
    const options = optionsFor("redelivered");
    const first = orderPlaced();
    const other = orderPlaced({ orderId: first.subject });
    await ensureConsumer(jsm, { stream: "ORDERS", durable: options.durable, filterSubjects: [OrderPlaced.subject(first.subject)], ackWaitMs: 1_000 });
    await js.publish(OrderPlaced.subject(first.subject), JSON.stringify(first), { msgID: first.id });
    // committed and never acked, as if the process died before the ack: it is delivered again
    expect(await processBatch([(await next(options.durable, 2_000))!], { ...options, beforeAck: () => false })).toEqual(["unacked"]);
    await js.publish(OrderPlaced.subject(other.subject), JSON.stringify(other), { msgID: other.id });
    const batch = [(await next(options.durable, 3_000))!, (await next(options.durable, 3_000))!];
    const byEvent = new Map(batch.map((msg) => [eventIdOf(msg), msg]));
    expect(byEvent.get(first.id)?.info.deliveryCount).toBe(2);

    const outcomes = await processBatch(batch, options);
    expect(Object.fromEntries(batch.map((msg, i) => [eventIdOf(msg), outcomes[i]]))).toEqual({ [first.id]: "duplicate", [other.id]: "handled" });
    expect(await effectsOf([first, other])).toEqual({ [first.id]: 1, [other.id]: 1 });
    expect(calls.get(first.id)).toBe(1);
  }, 20_000);

  it("acks a batch that committed although a deferred write's promise rejected after its statement ran", async () => {
    const options = optionsFor("checked-too-late");
    const event = orderPlaced();
    postCheckFails.add(event.id);
    await ensureConsumer(jsm, { stream: "ORDERS", durable: options.durable, filterSubjects: [OrderPlaced.subject(event.subject)], ackWaitMs: 1_000 });
    await js.publish(OrderPlaced.subject(event.subject), JSON.stringify(event), { msgID: event.id });
    expect(await processBatch([(await next(options.durable, 2_000))!], options)).toEqual(["handled"]);
    expect(await effectsOf([event])).toEqual({ [event.id]: 1 });
    expect(await next(options.durable, 1_500)).toBeUndefined(); // acked: nothing comes back after the ack wait
  }, 20_000);
});

describe("a batch whose inbox statement fails", () => {
  it("is failed with the inbox's error, not with the aborted-transaction error of a handler's statement after it", async () => {
    const durable = "inbox-fails";
    const event = orderPlaced();
    await sql`
      CREATE FUNCTION refuse_inbox() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN IF NEW.consumer = 'inbox-fails' THEN RAISE EXCEPTION 'simulated inbox failure'; END IF; RETURN NEW; END $$`;
    await sql`CREATE TRIGGER refuse_inbox BEFORE INSERT ON inbox FOR EACH ROW EXECUTE FUNCTION refuse_inbox()`;
    try {
      await ensureConsumer(jsm, { stream: "ORDERS", durable, filterSubjects: [OrderPlaced.subject(event.subject)], ackWaitMs: 1_000 });
      await js.publish(OrderPlaced.subject(event.subject), JSON.stringify(event), { msgID: event.id });
      const before = (await jsm.streams.info("DLQ")).state.last_seq;
      // a handler with a statement of its own, which the failed inbox statement aborts
      const reading = new Map<string, Handler>([["placed", defineHandler({ subscribe: OrderPlaced, handle: async (_, { sql: tx }) => (await tx`SELECT 1`, []) }) as Handler]]);
      expect(await processBatch([(await next(durable, 2_000))!], { js, sql, log, durable, stream: "ORDERS", handlers: reading, maxDeliveries: 1 })).toEqual(["dead_lettered"]);
      const dead = await jsm.streams.getMessage("DLQ", { seq: before + 1 });
      expect(dead!.header.get(DLQ_HEADERS.reason) ?? "").toMatch(/simulated inbox failure/);
    } finally {
      await sql`DROP TRIGGER refuse_inbox ON inbox`;
      await sql`DROP FUNCTION refuse_inbox()`;
    }
  }, 20_000);
});
