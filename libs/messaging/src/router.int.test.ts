import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { connect, headers as natsHeaders, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamManager } from "@nats-io/jetstream";
import { InventoryReserved, OrderPlaced } from "@checkout/contracts";
import { connect as connectDb, migrate, type Sql } from "@checkout/db";
import { createLogger } from "@checkout/log";
import { createMetrics } from "@checkout/http";
import { createTestDatabase, orderPlaced, startNatsServer, waitFor, type NatsServer, type TestDatabase } from "@checkout/testing";
import { defineHandler, DLQ_HEADERS, MAX_DEAD_LETTER_BYTES, MAX_EVENT_BYTES, MESSAGING_MIGRATIONS, replayDeadLetter, startMessaging, TruncatedDeadLetterError, type AnyEvent, type Messaging } from "./index.ts";

// A stand-in service: on OrderPlaced it records an effect and emits InventoryReserved, unless the
// order id is listed in `failing` (then it throws) or in `failingLater` (then a write it defers with
// `later` fails, after the handler has returned).
// An order for the SKU "COUNTER" also adds one to a shared counter, reading it and writing it back (a
// deferred write, as in the services). The row lock keeps transactions side by side apart, as in
// inventory; within one transaction it does not, so it is a lost update unless such handlers run one
// after the other (the shared key) and each reads what the one before it deferred. Such a handler
// also counts its turn in the transaction's `shared` object, and records (table turns) how many turns
// were done when its `prepare` ran and which turn was its own.
const failing = new Set<string>();
const failingLater = new Set<string>();
const counts = (event: { data: { lines: Array<{ sku: string }> } }) => event.data.lines.some((line) => line.sku === "COUNTER");
const turnsOf = (shared: <T>(key: string, create: () => T) => T) => shared("counter turns", () => ({ done: 0 }));
const onOrderPlaced = defineHandler({
  subscribe: OrderPlaced,
  sharedKeys: (event) => (counts(event) ? ["counter"] : []),
  prepare: (event, { shared }) => (counts(event) ? turnsOf(shared).done : undefined),
  async handle(event, { sql, later, shared }, doneWhenPrepared) {
    if (failing.has(event.data.orderId)) throw new Error("simulated handler failure");
    if (counts(event)) {
      const [row] = await sql`SELECT n FROM counter FOR UPDATE`;
      await new Promise((resolve) => setTimeout(resolve, 1));
      later(sql`UPDATE counter SET n = ${Number(row!.n) + 1}`);
      const turns = turnsOf(shared);
      later(sql`INSERT INTO turns (order_id, txid, done_when_prepared, nth) VALUES (${event.data.orderId}, txid_current(), ${doneWhenPrepared!}, ${turns.done})`);
      turns.done += 1;
    }
    later(sql`INSERT INTO effects (order_id, txid) VALUES (${event.data.orderId}, txid_current())`);
    if (failingLater.has(event.data.orderId)) later(sql`SELECT 1 / 0 AS simulated_deferred_failure`);
    return [
      InventoryReserved.create(event.data.orderId, {
        orderId: event.data.orderId,
        reservationId: `res-${event.data.orderId}`,
        lines: event.data.lines.map(({ sku, qty }) => ({ sku, qty })),
        expiresAt: new Date(Date.now() + 60_000).toISOString(),
      }, { causedBy: event }),
    ];
  },
});

let nats: NatsServer;
let db: TestDatabase;
let sql: Sql;
let nc: NatsConnection;
let jsm: JetStreamManager;
const running: Messaging[] = [];
const log = createLogger({ service: "test", level: "silent" });

async function startService(options: { beforeAck?: (event: AnyEvent) => boolean; ackWaitMs?: number } = {}) {
  const messaging = await startMessaging({ service: "test", natsUrl: nats.url, sql, log, metrics: createMetrics("test"), handlers: [onOrderPlaced], maxDeliveries: 3, ...options });
  running.push(messaging);
  return messaging;
}

const publish = (event: AnyEvent, msgID = event.id) => jetstream(nc).publish(OrderPlaced.subject(event.subject), JSON.stringify(event), { msgID });
const effects = async (orderId: string) => Number((await sql`SELECT count(*) AS n FROM effects WHERE order_id = ${orderId}`)[0]!.n);
const reservedCount = async (orderId: string) => {
  const info = await jsm.streams.info("INVENTORY", { subjects_filter: InventoryReserved.subject(orderId) }).catch(() => undefined);
  return info?.state.subjects?.[InventoryReserved.subject(orderId)] ?? 0;
};

/** the dead letter of an order's OrderPlaced, once it is in the DLQ */
const deadLetterOf = (orderId: string, what: string) =>
  waitFor(
    async () => {
      const info = await jsm.streams.info("DLQ");
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage("DLQ", { seq }).catch(() => undefined);
        if (m?.header.get(DLQ_HEADERS.subject) === OrderPlaced.subject(orderId)) return m;
      }
    },
    { timeoutMs: 20_000, what },
  );

beforeAll(async () => {
  nats = await startNatsServer();
  db = await createTestDatabase("messaging");
  sql = connectDb(db.url);
  await migrate(sql, [MESSAGING_MIGRATIONS]);
  await sql`CREATE TABLE effects (id serial PRIMARY KEY, order_id uuid NOT NULL, txid bigint NOT NULL)`;
  await sql`CREATE TABLE counter (n integer NOT NULL)`;
  await sql`INSERT INTO counter VALUES (0)`;
  await sql`CREATE TABLE turns (order_id uuid NOT NULL, txid bigint NOT NULL, done_when_prepared integer NOT NULL, nth integer NOT NULL)`;
  nc = await connect({ servers: nats.url });
  await startService();
  jsm = await jetstreamManager(nc);
});

afterAll(async () => {
  for (const messaging of running) await messaging.stop();
  await nc?.close();
  await sql?.end();
  await db?.drop();
  await nats?.stop();
});

beforeEach(() => {
  failing.clear();
  failingLater.clear();
});

describe("router", () => {
  it("commits the effect with the emitted event and publishes it with Nats-Msg-Id = event id", async () => {
    const event = orderPlaced();
    await publish(event);
    await waitFor(async () => (await reservedCount(event.subject)) === 1, { what: "InventoryReserved" });
    expect(await effects(event.subject)).toBe(1);
    const stored = await jsm.streams.getMessage("INVENTORY", { last_by_subj: InventoryReserved.subject(event.subject) });
    const emitted = InventoryReserved.parse(stored!.json());
    expect(stored!.header.get("Nats-Msg-Id")).toBe(emitted.id);
    expect(emitted.causationid).toBe(event.id);
    expect(stored!.header.get("traceparent")).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
  });

  it("gives one effect when the same event is delivered twice", async () => {
    const event = orderPlaced();
    await publish(event, `${event.id}-a`);
    await publish(event, `${event.id}-b`); // a second copy the stream does not deduplicate
    await waitFor(async () => (await reservedCount(event.subject)) === 1);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await effects(event.subject)).toBe(1);
    expect(await reservedCount(event.subject)).toBe(1);
  });

  it("dead-letters a schema-invalid message with its reason and still processes the next one", async () => {
    const js = jetstream(nc);
    const bad = { ...orderPlaced(), data: { orderId: "not-a-uuid" } };
    const badAck = await js.publish(OrderPlaced.subject(bad.subject), JSON.stringify(bad));
    const garbage = await js.publish(OrderPlaced.subject(bad.subject), "{not json");
    const good = orderPlaced();
    await publish(good);
    await waitFor(async () => (await reservedCount(good.subject)) === 1, { what: "the message behind the poison" });
    const dead = await waitFor(async () => {
      const info = await jsm.streams.info("DLQ");
      return info.state.messages >= 2 ? info : undefined;
    });
    expect(dead.state.messages).toBeGreaterThanOrEqual(2);
    const first = await jsm.streams.getMessage("DLQ", { last_by_subj: "dlq.ORDERS.test-orders" });
    const sequences = [];
    for (let seq = dead.state.first_seq; seq <= dead.state.last_seq; seq++) {
      const m = await jsm.streams.getMessage("DLQ", { seq });
      sequences.push(Number(m!.header.get(DLQ_HEADERS.sequence)));
      expect(m!.header.get(DLQ_HEADERS.consumer)).toBe("test-orders");
      expect(m!.header.get(DLQ_HEADERS.subject)).toBe(OrderPlaced.subject(bad.subject));
      expect(m!.header.get(DLQ_HEADERS.reason)).toMatch(/invalid event/);
    }
    expect(sequences).toEqual(expect.arrayContaining([badAck.seq, garbage.seq]));
    expect(first!.subject).toBe("dlq.ORDERS.test-orders");
  });

  it("dead-letters an oversized event (valid but for its size) with the start of its body, refuses to replay it, and processes the next one", async () => {
    const js = jetstream(nc);
    const huge = { ...orderPlaced(), padding: "x".repeat(200 * 1024) }; // unknown fields are accepted: only the size is wrong
    const hugeAck = await js.publish(OrderPlaced.subject(huge.subject), JSON.stringify(huge));
    const good = orderPlaced();
    await publish(good);
    await waitFor(async () => (await reservedCount(good.subject)) === 1, { what: "the message behind the oversized one" });
    const dead = await waitFor(async () => {
      const info = await jsm.streams.info("DLQ");
      for (let seq = info.state.first_seq; seq <= info.state.last_seq; seq++) {
        const m = await jsm.streams.getMessage("DLQ", { seq }).catch(() => null);
        if (m && Number(m.header.get(DLQ_HEADERS.sequence)) === hugeAck.seq) return m;
      }
      return undefined;
    }, { what: "the oversized event in the DLQ" });
    const size = JSON.stringify(huge).length;
    expect(dead.header.get(DLQ_HEADERS.reason)).toBe(`oversized: ${size} bytes; an event may have at most ${MAX_EVENT_BYTES}`);
    expect(dead.header.get(DLQ_HEADERS.truncated)).toBe(String(size));
    expect(dead.data.length).toBe(MAX_DEAD_LETTER_BYTES);
    expect(await effects(huge.subject)).toBe(0);
    await expect(replayDeadLetter(js, jsm, dead.seq)).rejects.toBeInstanceOf(TruncatedDeadLetterError);
  });

  it("retries a failing handler with backoff, then dead-letters it without blocking others", async () => {
    const stuck = orderPlaced();
    failing.add(stuck.subject);
    await publish(stuck);
    const next = orderPlaced();
    await publish(next);
    await waitFor(async () => (await reservedCount(next.subject)) === 1, { what: "the message behind the failing one" });
    const dead = await deadLetterOf(stuck.subject, "the dead letter");
    expect(dead.header.get(DLQ_HEADERS.reason)).toMatch(/failed 3 times, last: simulated handler failure/);
    expect(dead.header.get(DLQ_HEADERS.deliveries)).toBe("3");
    expect(await effects(stuck.subject)).toBe(0);
  });

  it("a process that dies after the commit and before the ack: the redelivery changes nothing", async () => {
    // a second instance of the service that "dies" on its first message: commit done, no ack
    for (const messaging of running.splice(0)) await messaging.stop();
    let died = false;
    const doomed = await startService({ ackWaitMs: 1_000, beforeAck: () => (died ? true : !(died = true)) });
    const event = orderPlaced();
    await publish(event);
    await waitFor(() => died, { what: "the simulated crash" });
    await doomed.stop(); // gone without acking
    running.splice(running.indexOf(doomed), 1);
    const consumer = await jsm.consumers.info("ORDERS", "test-orders");
    expect(consumer.num_ack_pending + consumer.num_pending).toBeGreaterThan(0);

    await startService({ ackWaitMs: 1_000 });
    await waitFor(async () => {
      const info = await jsm.consumers.info("ORDERS", "test-orders");
      return info.num_ack_pending === 0 && info.num_pending === 0;
    }, { what: "the redelivery to be acked" });
    expect(await effects(event.subject)).toBe(1);
    expect(await reservedCount(event.subject)).toBe(1);
  });
});

describe("router batches", () => {
  // publishes while no instance consumes, then starts one: the backlog arrives at once, as under load
  async function backlog(events: AnyEvent[], publishEach: (event: AnyEvent, index: number) => Promise<unknown> = (event) => publish(event)) {
    for (const messaging of running.splice(0)) await messaging.stop();
    for (const [index, event] of events.entries()) await publishEach(event, index);
    await startService();
  }
  const transactionsOf = async (orderIds: string[]) =>
    Number((await sql`SELECT count(DISTINCT txid) AS n FROM effects WHERE order_id = ANY(${orderIds}::uuid[])`)[0]!.n);

  it("handles a backlog in a few transactions, each event once", async () => {
    const events = Array.from({ length: 200 }, () => orderPlaced());
    await backlog(events);
    const ids = events.map((e) => e.subject);
    await waitFor(async () => Number((await sql`SELECT count(*) AS n FROM effects WHERE order_id = ANY(${ids}::uuid[])`)[0]!.n) === 200, { what: "200 effects" });
    for (const id of ids.slice(0, 5)) expect(await effects(id)).toBe(1);
    expect(await transactionsOf(ids)).toBeLessThan(20);
    await waitFor(async () => (await reservedCount(events[199]!.subject)) === 1, { what: "the last InventoryReserved" });
  });

  it.each([
    { failure: "a handler that throws", poisonAt: 17, mark: failing, reason: /failed 3 times, last: simulated handler failure/ },
    { failure: "a handler whose deferred write fails", poisonAt: 23, mark: failingLater, reason: /failed 3 times, last: division by zero/ },
  ])("isolates $failure: its batch-mates commit once each, it alone is dead-lettered", async ({ poisonAt, mark, reason }) => {
    const events = Array.from({ length: 40 }, () => orderPlaced());
    const poison = events[poisonAt]!;
    mark.add(poison.subject);
    await backlog(events);
    const good = events.filter((e) => e !== poison).map((e) => e.subject);
    await waitFor(async () => Number((await sql`SELECT count(*) AS n FROM effects WHERE order_id = ANY(${good}::uuid[])`)[0]!.n) === good.length, { what: "the good events" });
    for (const id of good) expect(await effects(id)).toBe(1);
    expect(await transactionsOf(good)).toBeLessThan(10); // still batched around the failure
    const dead = await deadLetterOf(poison.subject, "the dead letter of the failing event");
    expect(dead.header.get(DLQ_HEADERS.reason)).toMatch(reason);
    expect(await effects(poison.subject)).toBe(0); // with a deferred write that fails, its other one is rolled back too
    expect(await reservedCount(poison.subject)).toBe(0);
    for (const id of good.slice(0, 3)) expect(await reservedCount(id)).toBe(1);
  });

  it("runs the handlers of one batch that share a key one after the other, the others side by side", async () => {
    // twice, so that the second backlog meets connections whose statements are prepared (postgres.js
    // pipelines only those): then the handlers of different orders really overlap
    for (const round of [1, 2]) {
      const before = Number((await sql`SELECT n FROM counter`)[0]!.n);
      const events = Array.from({ length: 100 }, (_, i) => orderPlaced({ lines: [{ sku: i % 2 ? "COUNTER" : "MUG-LOGO", qty: 1 }] }));
      await backlog(events);
      const ids = events.map((e) => e.subject);
      await waitFor(async () => Number((await sql`SELECT count(*) AS n FROM effects WHERE order_id = ANY(${ids}::uuid[])`)[0]!.n) === 100, { what: `round ${round}` });
      expect(Number((await sql`SELECT n FROM counter`)[0]!.n) - before).toBe(50);
      expect(await transactionsOf(ids)).toBeLessThan(20);
    }
  });

  it("runs the `prepare` of handlers that share a key side by side, and gives each transaction one `shared` object", async () => {
    // two backlogs: at least two transactions, whatever the batch size
    const rounds = [1, 2].map(() => Array.from({ length: 60 }, () => orderPlaced({ lines: [{ sku: "COUNTER", qty: 1 }] })));
    const ids = rounds.flat().map((e) => e.subject);
    for (const [round, events] of rounds.entries()) {
      await backlog(events);
      await waitFor(async () => Number((await sql`SELECT count(*) AS n FROM turns WHERE order_id = ANY(${ids}::uuid[])`)[0]!.n) === 60 * (round + 1), { what: `the turns of round ${round + 1}` });
    }
    const rows = await sql<Array<{ txid: string; prepared: number[]; nth: number[] }>>`
      SELECT txid, array_agg(done_when_prepared ORDER BY nth) AS prepared, array_agg(nth ORDER BY nth) AS nth
      FROM turns WHERE order_id = ANY(${ids}::uuid[]) GROUP BY txid`;
    expect(rows.length).toBeGreaterThan(1);
    expect(rows.length).toBeLessThan(40); // batches, so turns share transactions
    expect(rows.some((row) => row.nth.length > 1)).toBe(true);
    for (const row of rows) {
      // every prepare ran before any handle of the key had its turn: side by side, not in line
      expect(row.prepared).toEqual(row.nth.map(() => 0));
      // the handles took their turns one after the other on one object of their own transaction
      expect(row.nth).toEqual(row.nth.map((_, i) => i));
    }
  });

  it("handles two copies of one event in the same batch once", async () => {
    const event = orderPlaced();
    const others = Array.from({ length: 10 }, () => orderPlaced());
    await backlog([event, ...others, event], (e, index) => publish(e, `${e.id}-${index}`));
    await waitFor(async () => (await effects(others[9]!.subject)) === 1, { what: "the batch" });
    await waitFor(async () => (await reservedCount(event.subject)) === 1, { what: "the event's InventoryReserved" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await effects(event.subject)).toBe(1);
    expect(await reservedCount(event.subject)).toBe(1);
  });

  it("gives each emitted event the trace of the message that caused it", async () => {
    const events = Array.from({ length: 5 }, () => orderPlaced());
    const traceOf = (index: number) => `${String(index + 1).padStart(2, "0")}`.repeat(16);
    await backlog(events, (event, index) => {
      const h = natsHeaders();
      h.set("traceparent", `00-${traceOf(index)}-${"ab".repeat(8)}-01`);
      return jetstream(nc).publish(OrderPlaced.subject(event.subject), JSON.stringify(event), { msgID: event.id, headers: h });
    });
    for (const [index, event] of events.entries()) {
      await waitFor(async () => (await reservedCount(event.subject)) === 1, { what: `InventoryReserved ${index}` });
      const stored = await jsm.streams.getMessage("INVENTORY", { last_by_subj: InventoryReserved.subject(event.subject) });
      expect(stored!.header.get("traceparent")).toMatch(new RegExp(`^00-${traceOf(index)}-[0-9a-f]{16}-01$`));
    }
  });
});

describe("outbox relay", () => {
  it("publishes every row once with several relays running", async () => {
    const others = [await startService(), await startService()];
    const before = (await jsm.streams.info("ORDERS")).state.messages;
    const events = Array.from({ length: 300 }, () => orderPlaced());
    const rows = events.map((e) => ({ event_id: e.id, subject: OrderPlaced.subject(e.subject), payload: JSON.stringify(e) }));
    await sql`INSERT INTO outbox ${sql(rows)}`;
    await sql`SELECT pg_notify('checkout_outbox', '')`;
    await waitFor(async () => Number((await sql`SELECT count(*) AS n FROM outbox`)[0]!.n) === 0, { what: "an empty outbox" });
    await waitFor(async () => {
      let n = 0;
      for (const e of events) if ((await effects(e.subject)) === 1) n++;
      return n === events.length;
    }, { what: "every event consumed once", timeoutMs: 20_000 });
    expect(others.length).toBe(2);
    expect((await jsm.streams.info("ORDERS")).state.messages - before).toBe(events.length);
  });

  it("keeps rows while NATS is down and publishes them when it is back", async () => {
    await nats.kill();
    const event = orderPlaced();
    await sql`INSERT INTO outbox (event_id, subject, payload) VALUES (${event.id}, ${OrderPlaced.subject(event.subject)}, ${JSON.stringify(event)})`;
    await sql`SELECT pg_notify('checkout_outbox', '')`;
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(Number((await sql`SELECT count(*) AS n FROM outbox`)[0]!.n)).toBe(1);
    await nats.restart();
    await waitFor(async () => (await effects(event.subject)) === 1, { what: "publication after the outage", timeoutMs: 20_000 });
    // the consumer may handle the event before the relay has its publish ack and deletes the row
    await waitFor(async () => Number((await sql`SELECT count(*) AS n FROM outbox`)[0]!.n) === 0, { what: "the outbox emptied", timeoutMs: 5_000 });
  });
});

