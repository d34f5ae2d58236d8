import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { Buckets, InventoryReserved, OrderPlaced, PaymentAuthorized } from "@checkout/contracts";
import { connectBus, createTestDatabase, freePort, natsTestCredentials, orderPlaced, startNatsServer, startNatsServer210, waitFor, type Bus, type NatsServer, type TestDatabase } from "@checkout/testing";
import { ensureConsumer, ensureStreams } from "./topology.ts";
import { durableName } from "./router.ts";
import type { RunningService } from "./service.ts";
import { InventoryConfig } from "../../../apps/inventory/src/config.ts";
import { startInventory } from "../../../apps/inventory/src/service.ts";
import { setOnHand } from "../../../apps/inventory/src/db/stock.ts";

// The users of deploy/nats/permissions.conf on a real nats-server (2.9.10 here, and 2.10 for a service's
// start-up, which creates consumers with several filter subjects there): what each may do is what the
// server lets through, not what the table says.

const connectAs = (nats: NatsServer, user: string, password = natsTestCredentials(user).NATS_PASSWORD) =>
  connect({ servers: nats.url, user, pass: password, reconnect: false });

/** how many messages a stream holds on one subject (read as the operator) */
const countOn = async (bus: Bus, stream: string, subject: string) => (await bus.jsm.streams.info(stream, { subjects_filter: subject })).state.subjects?.[subject] ?? 0;

describe("the NATS users, on a secured nats-server", () => {
  let nats: NatsServer;
  let bus: Bus; // no credentials: the operator
  const open: NatsConnection[] = [];
  const as = async (user: string) => {
    const nc = await connectAs(nats, user);
    open.push(nc);
    return nc;
  };

  beforeAll(async () => {
    nats = await startNatsServer({ secured: true });
    const inventory = await as("inventory");
    const jsm = await jetstreamManager(inventory);
    await ensureStreams(jsm); // a service user creates the streams, as at start-up
    await ensureConsumer(jsm, { stream: "ORDERS", durable: durableName("inventory", "ORDERS"), filterSubjects: ["orders.>"] });
    bus = await connectBus(nats.url);
  });

  afterAll(async () => {
    for (const nc of open) await nc.close().catch(() => {});
    await bus?.close();
    await nats?.stop();
  });

  it("knows one user per service and the operator, and refuses a wrong password", async () => {
    expect(nats.users).toEqual(["orders", "inventory", "payments", "shipping", "notifications", "operator"]);
    await expect(connectAs(nats, "inventory", "orders-test-password")).rejects.toThrow(/authorization/i);
  });

  it("lets inventory publish inventory.reserved, and refuses its payments.authorized (which never lands in PAYMENTS)", async () => {
    const js = jetstream(await as("inventory"));
    const orderId = randomUUID();
    const ack = await js.publish(InventoryReserved.subject(orderId), "{}", { msgID: randomUUID() });
    expect(ack.stream).toBe("INVENTORY");
    expect(await countOn(bus, "INVENTORY", InventoryReserved.subject(orderId))).toBe(1);

    await expect(js.publish(PaymentAuthorized.subject(orderId), "{}", { msgID: randomUUID(), timeout: 2_000 })).rejects.toThrow(/Permissions Violation for Publish to "payments\.authorized\./);
    await expect(js.publish(OrderPlaced.subject(orderId), "{}", { msgID: randomUUID(), timeout: 2_000 })).rejects.toThrow(/Permissions Violation/);
    expect(await countOn(bus, "PAYMENTS", PaymentAuthorized.subject(orderId))).toBe(0);
    expect(await countOn(bus, "ORDERS", OrderPlaced.subject(orderId))).toBe(0);
    expect(nats.violations().some((line) => line.includes(`User "inventory", Subject "${PaymentAuthorized.subject(orderId)}"`))).toBe(true);
  });

  it("lets orders dead-letter as its own consumers only, and neither delete a stream nor purge the DLQ", async () => {
    const orders = await as("orders");
    const js = jetstream(orders);
    const jsm = await jetstreamManager(orders);
    await js.publish("dlq.INVENTORY.orders-inventory", "{}");
    await expect(js.publish("dlq.ORDERS.inventory-orders", "{}", { timeout: 2_000 })).rejects.toThrow(/Permissions Violation/);
    const deadLetters = (await bus.jsm.streams.info("DLQ")).state.messages;
    expect(deadLetters).toBeGreaterThanOrEqual(1);

    await expect(jsm.streams.delete("ORDERS")).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.streams.purge("DLQ")).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.consumers.delete("ORDERS", "inventory-orders")).rejects.toThrow(/Permissions Violation/);
    expect((await bus.jsm.streams.info("ORDERS")).config.name).toBe("ORDERS");
    expect((await bus.jsm.streams.info("DLQ")).state.messages).toBe(deadLetters);
    expect((await bus.jsm.consumers.info("ORDERS", "inventory-orders")).name).toBe("inventory-orders");
  });

  it("lets the operator read, replay onto a stream and delete a dead letter, but not pull from, rewrite or delete a service's durable", async () => {
    const operator = await as("operator");
    const jsm = await jetstreamManager(operator);
    const orderId = randomUUID();
    await jetstream(operator).publish(OrderPlaced.subject(orderId), "{}", { msgID: randomUUID() }); // what `checkout dlq replay` does
    const reader = await jetstream(operator).consumers.get("ORDERS", { filter_subjects: OrderPlaced.subject(orderId) } as never); // an ordered consumer, as `checkout trace`
    expect((await reader.next({ expires: 2_000 }))?.subject).toBe(OrderPlaced.subject(orderId));
    await reader.delete();

    const { seq } = await jetstream(await as("orders")).publish("dlq.PAYMENTS.orders-payments", "{}");
    expect(await jsm.streams.deleteMessage("DLQ", seq, false)).toBe(true);

    await expect(operator.request("$JS.API.CONSUMER.MSG.NEXT.ORDERS.inventory-orders", JSON.stringify({ batch: 1 }), { timeout: 2_000 })).rejects.toThrow(/Permissions Violation/);
    await expect(jsm.consumers.delete("ORDERS", "inventory-orders")).rejects.toThrow(/Permissions Violation/);
    // the ephemeral CREATE.<stream> would take a durable's name in the body and update it: not allowed
    const rewrite = { stream_name: "ORDERS", config: { name: "inventory-orders", ack_policy: "explicit", filter_subject: "orders.nothing", deliver_policy: "all", max_deliver: -1, ack_wait: 30_000_000_000, max_ack_pending: 1_000 } };
    await expect(operator.request("$JS.API.CONSUMER.CREATE.ORDERS", JSON.stringify(rewrite), { timeout: 2_000 })).rejects.toThrow(/Permissions Violation/);
    expect((await jsm.consumers.info("ORDERS", "inventory-orders")).config.filter_subject).toBe("orders.>");
    await expect(jsm.streams.purge("DLQ")).rejects.toThrow(/Permissions Violation/);
    await expect(jetstream(operator).publish("dlq.ORDERS.inventory-orders", "{}", { timeout: 2_000 })).rejects.toThrow(/Permissions Violation/);
  });

  it("lets the operator list the keys of a large bucket, as `checkout audit` does, answering the server's flow control", async () => {
    const holds = await new Kvm(await as("inventory")).create(Buckets.reservations, { history: 1 });
    const writes: Array<Promise<unknown>> = [];
    for (let i = 0; i < 20_000; i++) writes.push(holds.put(`order-${i}`, "x".repeat(200)));
    await Promise.all(writes);
    const keys: string[] = [];
    for await (const key of await (await new Kvm(await as("operator")).open(Buckets.reservations)).keys()) keys.push(key);
    expect(keys).toHaveLength(20_000);
    expect(nats.violations().filter((line) => line.includes('User "operator", Subject "$JS.FC.'))).toEqual([]);
  }, 60_000);
});

// inventory-orders filters on the three events inventory handles where the server can (ADR 0013): a new
// consumer is made so, and one an older version made with orders.> is narrowed in place by inventory itself
const narrow = { filter_subject: undefined, filter_subjects: ["orders.cancelled.*", "orders.confirmed.*", "orders.placed.*"] };
describe.each([
  { server: "2.9 (the PATH's)", start: startNatsServer, existing: false, filter: { filter_subject: "orders.>", filter_subjects: undefined } },
  { server: "2.10", start: startNatsServer210, existing: false, filter: narrow },
  { server: "2.10, its consumer made with orders.> by an older version", start: startNatsServer210, existing: true, filter: narrow },
])("inventory running as its own NATS user on nats-server $server", ({ start, existing, filter }) => {
  let nats: NatsServer;
  let db: TestDatabase;
  let inventory: RunningService;
  let orders: NatsConnection;
  let bus: Bus;
  let monitoring: number;

  beforeAll(async () => {
    monitoring = await freePort();
    nats = await start({ secured: true, config: `http: "127.0.0.1:${monitoring}"` });
    db = await createTestDatabase("permissions");
    if (existing) {
      const older = await connectAs(nats, "inventory");
      const jsm = await jetstreamManager(older);
      await ensureStreams(jsm);
      await ensureConsumer(jsm, { stream: "ORDERS", durable: durableName("inventory", "ORDERS"), filterSubjects: ["orders.>"] });
      expect((await jsm.consumers.info("ORDERS", durableName("inventory", "ORDERS"))).config.filter_subject).toBe("orders.>");
      await older.close();
    }
    inventory = await startInventory(InventoryConfig.parse({ NATS_URL: nats.url, DATABASE_URL: db.url, PORT: "0", LOG_LEVEL: "silent", RESERVATION_TTL_MS: "600000", ...natsTestCredentials("inventory") }));
    orders = await connectAs(nats, "orders");
    bus = await connectBus(nats.url);
  });

  afterAll(async () => {
    await inventory?.stop();
    await orders?.close();
    await bus?.close();
    await db?.drop();
    await nats?.stop();
  });

  it("connects as inventory, reserves on an OrderPlaced published by orders, keeps the hold in KV and dead-letters what it cannot parse, without one refusal", async () => {
    const { connections } = (await (await fetch(`http://127.0.0.1:${monitoring}/connz?auth=true`)).json()) as { connections: Array<{ name?: string; authorized_user?: string }> };
    expect(connections.filter((c) => c.name === "inventory").map((c) => c.authorized_user)).toEqual(["inventory"]);
    await setOnHand(inventory.sql, "PERM-MUG", 5);
    const placed = orderPlaced({ lines: [{ sku: "PERM-MUG", qty: 2 }] });
    await jetstream(orders).publish(OrderPlaced.subject(placed.subject), JSON.stringify(placed), { msgID: placed.id });

    const reserved = await bus.waitForEvent("INVENTORY", placed.subject, "InventoryReserved");
    expect(reserved.data).toMatchObject({ orderId: placed.subject, lines: [{ sku: "PERM-MUG", qty: 2 }] });
    const holds = await new Kvm(bus.nc).open(Buckets.reservations);
    await waitFor(async () => (await holds.get(placed.subject))?.json<{ lines: unknown }>(), { what: "the hold in KV" });

    const broken = randomUUID();
    await jetstream(orders).publish(OrderPlaced.subject(broken), "not json", { msgID: randomUUID() });
    await waitFor(async () => (await countOn(bus, "DLQ", "dlq.ORDERS.inventory-orders")) === 1 || undefined, { what: "the dead letter of inventory-orders" });
    await bus.settled("ORDERS", "inventory-orders");

    const { config } = await bus.jsm.consumers.info("ORDERS", "inventory-orders");
    expect({ filter_subject: config.filter_subject, filter_subjects: config.filter_subjects }).toEqual(filter);
    expect(nats.violations()).toEqual([]);
  });
});
