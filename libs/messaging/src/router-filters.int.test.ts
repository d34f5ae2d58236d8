import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { OrderCancelled, OrderPlaced, type EventContract } from "@checkout/contracts";
import { connect as connectDb, migrate, type Sql } from "@checkout/db";
import { createLogger } from "@checkout/log";
import { createTestDatabase, orderPlaced, startNatsServer, startNatsServer210, waitFor, type NatsServer, type TestDatabase } from "@checkout/testing";
import { defineHandler } from "./handler.ts";
import { MESSAGING_MIGRATIONS } from "./index.ts";
import { createRouter, durableName, type Router } from "./router.ts";
import { ensureConsumer, ensureStreams } from "./topology.ts";
import type { Outcome } from "./process-message.ts";

// A service that reacts to OrderPlaced and OrderCancelled, on a stream that also carries OrderConfirmed,
// OrderCompleted and OrderRefused. On nats-server 2.10+ its consumer filters on those two (ADR 0013): the
// other events never reach it. On 2.9 it filters on orders.> and acks the others unread (ADR 0001).

const log = createLogger({ service: "test", level: "silent" });
/** "<token> <orderId>" for each event a handler was called with */
const seen: string[] = [];
/** the outcome of every message the routers took */
const outcomes: Outcome[] = [];
const recording = (contract: EventContract) =>
  defineHandler({
    subscribe: contract,
    handle(event) {
      seen.push(`${contract.token} ${event.subject}`);
      return [];
    },
  });
const handlers = [recording(OrderPlaced), recording(OrderCancelled)];
const cancelled = (orderId: string) => OrderCancelled.create(orderId, { orderId, reason: "customer_request", customer: { email: "ada@example.com" } });

function setUp(start: () => Promise<NatsServer>) {
  const bus = {} as { nats: NatsServer; db: TestDatabase; sql: Sql; nc: NatsConnection; js: JetStreamClient; jsm: JetStreamManager };
  const routers: Router[] = [];

  beforeAll(async () => {
    bus.nats = await start();
    bus.db = await createTestDatabase("filters");
    bus.sql = connectDb(bus.db.url);
    await migrate(bus.sql, [MESSAGING_MIGRATIONS]);
    bus.nc = await connect({ servers: bus.nats.url });
    bus.js = jetstream(bus.nc);
    bus.jsm = await jetstreamManager(bus.nc);
    await ensureStreams(bus.jsm);
  });
  beforeEach(async () => {
    seen.length = 0;
    outcomes.length = 0;
    await bus.jsm.streams.purge("ORDERS"); // each test's consumer starts on that test's events
  });
  afterEach(async () => {
    for (const router of routers.splice(0)) await router.stop();
  });
  afterAll(async () => {
    await bus.nc?.close();
    await bus.sql?.end();
    await bus.db?.drop();
    await bus.nats?.stop();
  });

  return {
    bus,
    /** an instance of the service, consuming */
    async startRouter(service: string) {
      const router = createRouter({ nc: bus.nc, sql: bus.sql, log, service, maxDeliveries: 3, onOutcome: (_, outcome) => outcomes.push(outcome) }).add(...handlers);
      routers.push(router);
      await router.start();
      return router;
    },
    /** publishes, for a new order, one event of each token in this order: valid ones for the handled tokens, `{}` for the others */
    async publish(...tokens: string[]) {
      const orderId = randomUUID();
      for (const token of tokens) {
        const event = token === "placed" ? orderPlaced({ orderId }) : token === "cancelled" ? cancelled(orderId) : {};
        await bus.js.publish(`orders.${token}.${orderId}`, JSON.stringify(event));
      }
      return orderId;
    },
    /** the consumer's info once it has nothing pending or unacknowledged */
    settled: (durable: string) =>
      waitFor(
        async () => {
          const info = await bus.jsm.consumers.info("ORDERS", durable);
          return info.num_pending === 0 && info.num_ack_pending === 0 ? info : undefined;
        },
        { what: `${durable} to settle` },
      ),
    async filterOf(durable: string) {
      const { config } = await bus.jsm.consumers.info("ORDERS", durable);
      return { filter_subject: config.filter_subject, filter_subjects: config.filter_subjects };
    },
  };
}

describe("a router on nats-server 2.10", () => {
  const { bus, startRouter, publish, settled, filterOf } = setUp(startNatsServer210);

  it("runs on nats-server 2.10+", () => {
    expect(bus.nc.info?.version).toMatch(/^2\.(1\d|[2-9]\d)\./);
  });

  it("gives its consumer exactly the subjects of its handlers: the other events never reach it", async () => {
    await startRouter("narrow");
    expect(await filterOf("narrow-orders")).toEqual({ filter_subject: undefined, filter_subjects: ["orders.cancelled.*", "orders.placed.*"] });
    const orderId = await publish("placed", "confirmed", "cancelled", "completed", "refused");

    await waitFor(() => seen.length === 2, { what: "the two handled events" });
    const info = await settled("narrow-orders");
    expect(seen).toEqual([`placed ${orderId}`, `cancelled ${orderId}`]);
    expect(outcomes).toEqual(["handled", "handled"]);
    expect(info.delivered.consumer_seq).toBe(2); // of the 5 messages in the stream
    expect((await bus.jsm.streams.info("ORDERS")).state.messages).toBe(5);
  });

  it("narrows the consumer an older version made with orders.>, and does not deliver again what that one acked", async () => {
    const durable = durableName("legacy", "ORDERS");
    await ensureConsumer(bus.jsm, { stream: "ORDERS", durable, filterSubjects: ["orders.>"], maxAckPending: 1_000 }); // as every version before ADR 0013
    const before = await publish("placed", "confirmed", "cancelled");
    const consumer = await bus.js.consumers.get("ORDERS", durable);
    for (let i = 0; i < 3; i++) await (await consumer.next({ expires: 2_000 }))!.ackAck(); // the older version handled them
    const after = await publish("placed", "completed", "cancelled");

    await startRouter("legacy");
    expect(await filterOf(durable)).toEqual({ filter_subject: undefined, filter_subjects: ["orders.cancelled.*", "orders.placed.*"] });
    await waitFor(() => seen.length === 2, { what: "the two handled events" });
    const info = await settled(durable);
    expect(seen).toEqual([`placed ${after}`, `cancelled ${after}`]);
    expect(seen.join()).not.toContain(before);
    expect(outcomes).toEqual(["handled", "handled"]);
    expect(info.delivered.consumer_seq).toBe(3 + 2);
  });

  it("starts two instances at once while an older one consumes: all share the narrowed consumer, and none gets the other events", async () => {
    const durable = durableName("rolling", "ORDERS");
    await ensureConsumer(bus.jsm, { stream: "ORDERS", durable, filterSubjects: ["orders.>"], maxAckPending: 1_000 });
    const older: string[] = []; // what the older instance is given (it would ack unread what it has no handler for)
    const messages = await (await bus.js.consumers.get("ORDERS", durable)).consume();
    const olderDone = (async () => {
      for await (const msg of messages) {
        older.push(msg.subject.split(".")[1]!);
        msg.ack();
      }
    })();

    await Promise.all([startRouter("rolling"), startRouter("rolling")]);
    expect(await filterOf(durable)).toEqual({ filter_subject: undefined, filter_subjects: ["orders.cancelled.*", "orders.placed.*"] });
    const orderIds = [];
    for (let i = 0; i < 10; i++) orderIds.push(await publish("placed", "confirmed", "cancelled", "completed", "refused"));
    await waitFor(() => seen.length + older.length === 20, { what: "every handled event, taken by one instance or the other" });
    const info = await settled(durable);
    await messages.close();
    await olderDone;
    expect(older.length, "the older instance goes on consuming after the update").toBeGreaterThan(0);
    expect(older.filter((token) => token !== "placed" && token !== "cancelled")).toEqual([]);
    expect(seen.filter((entry) => !/^(placed|cancelled) /.test(entry))).toEqual([]);
    expect(info.delivered.consumer_seq).toBe(20);
    expect(outcomes.every((outcome) => outcome === "handled")).toBe(true);
  });
});

describe("a router on nats-server 2.9 (the PATH's)", () => {
  const { bus, startRouter, publish, settled, filterOf } = setUp(startNatsServer);

  it("runs on nats-server 2.9", () => {
    expect(bus.nc.info?.version).toMatch(/^2\.9\./);
  });

  it("filters on orders.> and acks unread the events no handler wants", async () => {
    await startRouter("wide");
    expect(await filterOf("wide-orders")).toEqual({ filter_subject: "orders.>", filter_subjects: undefined });
    const orderId = await publish("placed", "confirmed", "cancelled", "completed", "refused");

    await waitFor(() => outcomes.length === 5, { what: "the five events taken" });
    const info = await settled("wide-orders");
    expect(seen).toEqual([`placed ${orderId}`, `cancelled ${orderId}`]);
    expect([...outcomes].sort()).toEqual(["handled", "handled", "skipped", "skipped", "skipped"]);
    expect(info.delivered.consumer_seq).toBe(5);
  });
});
