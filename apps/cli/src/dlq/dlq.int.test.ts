import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import postgres from "postgres";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import { environment } from "@checkout/config";
import { InventoryReserved, type CloudEvent } from "@checkout/contracts";
import { DeadLetterNotFoundError, DLQ_HEADERS, REPLAY_FOR_HEADER, replayDeadLetter, type DeadLetterEntry, type RunningService } from "@checkout/messaging";
import { adminHeaders, createTestDatabase, redisPrefix, REDIS_URL, TEST_JWT_SECRET, useParticipant, waitFor, type TestDatabase } from "@checkout/testing";
import { OrdersConfig, startOrders } from "@checkout/orders";
import { InventoryConfig, startInventory } from "@checkout/inventory";

// The orders service (in-process, on a private nats-server) gives up on four kinds of poison on
// inventory.reserved.<id>; inventory, a second consumer of the same subjects, runs beside it. The
// `checkout dlq` commands and orders' /admin/dlq then list, show, replay and purge them.

// each `checkout` run is a child process that compiles the CLI with tsx: seconds on a busy machine
vi.setConfig({ testTimeout: 120_000, hookTimeout: 60_000 });

const BIN = fileURLToPath(new URL("../../bin/checkout.js", import.meta.url));
const REPO = fileURLToPath(new URL("../../../../", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args, "--server", orders.nats.url], { cwd: REPO, env: { ...environment(), NATS_URL: "nats://127.0.0.1:1" }, timeout: 30_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 99) : 0, stdout, stderr });
    });
  });
}
const json = async <T>(...args: string[]): Promise<T> => {
  const run = await cli(...args, "--json");
  expect(run.code, run.stderr).toBe(0);
  return JSON.parse(run.stdout) as T;
};

const orders = useParticipant("cli_dlq", (env) =>
  startOrders(OrdersConfig.parse({ ...env, REDIS_URL, REDIS_PREFIX: redisPrefix("cli_dlq") })),
);
let inventoryDb: TestDatabase;
let inventory: RunningService;
let ordersSql: postgres.Sql;
let js: JetStreamClient;

const TRACEPARENT = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const known = randomUUID(); // an order orders has
const unknownA = randomUUID(); // orders has not heard of these (yet)
const unknownB = randomUUID();
const garbageOrder = randomUUID();
let fixA: CloudEvent;
let fixB: CloudEvent;
let behind: CloudEvent;

const reserved = (orderId: string) =>
  InventoryReserved.create(orderId, { orderId, reservationId: `res_${orderId}`, lines: [{ sku: "MUG-LOGO", qty: 1 }], expiresAt: new Date(Date.now() + 600_000).toISOString() });

async function publish(subject: string, body: string | CloudEvent, traceparent?: string) {
  const h = natsHeaders();
  if (traceparent) h.set("traceparent", traceparent);
  return js.publish(subject, typeof body === "string" ? body : JSON.stringify(body), { headers: h, msgID: randomUUID() });
}

/** an order row as the orders service writes it at checkout: the state a replay needs */
const createOrder = (id: string) => ordersSql`
  INSERT INTO orders (id, status, customer_email, lines, pricing, shipping_address, payment_method)
  VALUES (${id}, 'PENDING', 'ada@example.com', ${ordersSql.json([{ sku: "MUG-LOGO", name: "Mug", qty: 1, unitPrice: 1400, lineTotal: 1400 }])},
    ${ordersSql.json({ currency: "USD", subtotal: 1400, discount: 0, tax: 0, shipping: 0, total: 1400 })},
    ${ordersSql.json({ name: "Ada", line1: "1 Main St", city: "Portland", postalCode: "97201", country: "US" })}, 'pm_card_visa')`;
const timeline = async (orderId: string, eventId: string) =>
  Number((await ordersSql`SELECT count(*)::int AS n FROM order_timeline WHERE order_id = ${orderId} AND event_id = ${eventId}`)[0]!.n);

/** consumer outcomes counted by a service's router (messages_total) */
async function outcomes(service: RunningService, consumer: string): Promise<Record<string, number>> {
  const metric = await service.metrics.registry.getSingleMetric("messages_total")?.get();
  const counts: Record<string, number> = {};
  for (const value of metric?.values ?? []) if (value.labels.consumer === consumer) counts[String(value.labels.outcome)] = value.value;
  return counts;
}

const admin = async (path: string, init: RequestInit = {}) =>
  fetch(`${orders.service.url}/admin/dlq${path}`, { ...init, headers: { ...(await adminHeaders({ secret: TEST_JWT_SECRET })), ...(init.headers as Record<string, string> | undefined) } });

/** one consumer's dead letters, in the order of the originals (consumers work on several messages at once) */
const entriesOf = (entries: DeadLetterEntry[], consumer: string) => entries.filter((entry) => entry.consumer === consumer).sort((a, b) => a.originalSeq - b.originalSeq);

beforeAll(async () => {
  inventoryDb = await createTestDatabase("cli_dlq_inventory");
  inventory = await startInventory(InventoryConfig.parse({ NATS_URL: orders.nats.url, DATABASE_URL: inventoryDb.url, PORT: "0", LOG_LEVEL: "silent", AUTH_JWT_SECRET: TEST_JWT_SECRET }));
  ordersSql = postgres(orders.db.url, { max: 2, onnotice: () => {} });
  js = jetstream(orders.bus.nc);
  await createOrder(known);

  fixA = reserved(unknownA);
  fixB = reserved(unknownB);
  behind = reserved(known);
  const schemaInvalid = { ...reserved(garbageOrder), data: { orderId: "not-a-uuid" } };
  const wrongVersion = { ...reserved(garbageOrder), type: "checkout.InventoryReserved.v9" };
  await publish(InventoryReserved.subject(garbageOrder), "{ this is not JSON");
  await publish(InventoryReserved.subject(garbageOrder), JSON.stringify(schemaInvalid));
  await publish(InventoryReserved.subject(garbageOrder), JSON.stringify(wrongVersion));
  await publish(InventoryReserved.subject(unknownA), fixA, TRACEPARENT);
  await publish(InventoryReserved.subject(unknownB), fixB);
  await publish(InventoryReserved.subject(known), behind);

  // orders-inventory gives up on all five; inventory-inventory on the three that do not parse
  await waitFor(async () => (await orders.bus.jsm.streams.info("DLQ")).state.messages === 8, { what: "8 dead letters", timeoutMs: 20_000 });
});

afterAll(async () => {
  await ordersSql?.end();
  await inventory?.stop();
  await inventoryDb?.drop();
});

describe("checkout dlq", () => {
  it("ls lists every poison message with its reason, and the message behind them was processed", async () => {
    // not blocked behind the poison: orders handled it (concurrently with the dead-lettering)
    await waitFor(async () => (await timeline(known, behind.id)) === 1, { what: "the message behind the poison" });

    const all = await json<DeadLetterEntry[]>("dlq", "ls");
    expect(all).toHaveLength(8);
    const ours = entriesOf(all, "orders-inventory");
    expect(ours.map((entry) => entry.reason)).toEqual([
      expect.stringMatching(/^invalid event: .*JSON/),
      expect.stringMatching(/^invalid event: checkout\.InventoryReserved\.v1: .*orderId/),
      expect.stringMatching(/^invalid event: checkout\.InventoryReserved\.v9 is not a version of InventoryReserved this consumer accepts/),
      `unprocessable: InventoryReserved for unknown order ${unknownA}`,
      `unprocessable: InventoryReserved for unknown order ${unknownB}`,
    ]);
    expect(ours.every((entry) => entry.stream === "INVENTORY" && entry.originalSeq > 0 && !entry.parked)).toBe(true);
    expect(ours[3]).toMatchObject({ subject: InventoryReserved.subject(unknownA), orderId: unknownA, eventType: "checkout.InventoryReserved.v1", deliveries: 1 });
    expect(entriesOf(all, "inventory-inventory")).toHaveLength(3);

    const filtered = await json<DeadLetterEntry[]>("dlq", "ls", "--consumer", "inventory-inventory");
    expect(filtered.map((entry) => entry.seq)).toEqual(entriesOf(all, "inventory-inventory").map((entry) => entry.seq));
    const limited = await cli("dlq", "ls", "--limit", "2");
    expect(limited.code).toBe(0);
    expect(limited.stdout.split("\n")[0]).toBe("8 dead letters (showing the oldest 2; --limit for more)");
    expect(limited.stdout).toMatch(/ (orders|inventory)-inventory +INVENTORY#[1-3] +inventory\.reserved\.\S+ +\S+ +1 +\d+ B +invalid event: /);
  });

  it("show gives the headers and the body of one dead letter", async () => {
    const entry = entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "orders-inventory").find((e) => e.orderId === unknownA);
    const letter = await json<{ headers: Record<string, string>; body: CloudEvent; reason: string }>("dlq", "show", String(entry!.seq));
    expect(letter.body).toMatchObject({ id: fixA.id, type: "checkout.InventoryReserved.v1", subject: unknownA });
    expect(letter.headers).toMatchObject({ traceparent: TRACEPARENT, [DLQ_HEADERS.consumer]: "orders-inventory", [DLQ_HEADERS.subject]: InventoryReserved.subject(unknownA) });
    const text = await cli("dlq", "show", String(entry!.seq));
    expect(text.stdout).toContain(`reason   unprocessable: InventoryReserved for unknown order ${unknownA}`);
    expect(text.stdout).toContain(`next: fix the cause, then: checkout dlq replay ${entry!.seq}`);
    expect((await cli("dlq", "show", "424242")).code).toBe(1);
  });

  it("replay, once the missing state exists, is handled once by the consumer that failed and skipped by the others", async () => {
    const entry = entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "orders-inventory").find((e) => e.orderId === unknownA)!;
    await createOrder(unknownA);
    const skippedBefore = (await outcomes(inventory, "inventory-inventory")).skipped ?? 0;
    const handledBefore = (await outcomes(inventory, "inventory-inventory")).handled ?? 0;

    const run = await cli("dlq", "replay", String(entry.seq));
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^replayed DLQ#${entry.seq} to inventory\\.reserved\\.${unknownA} \\(INVENTORY#(\\d+)\\) for orders-inventory only; the dead letter is removed`));
    const seq = Number(run.stdout.match(/INVENTORY#(\d+)/)![1]);

    await waitFor(async () => (await timeline(unknownA, fixA.id)) === 1, { what: "orders to handle the replay" });
    await waitFor(async () => ((await outcomes(inventory, "inventory-inventory")).skipped ?? 0) === skippedBefore + 1, { what: "inventory to skip the replay" });
    expect((await outcomes(inventory, "inventory-inventory")).handled ?? 0).toBe(handledBefore);

    const replayed = await orders.bus.jsm.streams.getMessage("INVENTORY", { seq });
    expect(replayed!.header.get(REPLAY_FOR_HEADER)).toBe("orders-inventory");
    expect(replayed!.header.get("traceparent")).toBe(TRACEPARENT);
    expect(replayed!.header.get(DLQ_HEADERS.reason)).toBe("");
    expect(replayed!.json<CloudEvent>().id).toBe(fixA.id);

    // the dead letter is gone: a second replay is refused
    const again = await cli("dlq", "replay", String(entry.seq));
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`no dead letter DLQ#${entry.seq}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await timeline(unknownA, fixA.id)).toBe(1);
    expect((await orders.bus.jsm.streams.info("DLQ")).state.messages).toBe(7);
  });

  it("two replays of the same dead letter at once publish it once", async () => {
    const entry = entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "inventory-inventory")[0]!;
    const before = (await orders.bus.jsm.streams.info("INVENTORY")).state.last_seq;
    const results = await Promise.allSettled([replayDeadLetter(js, orders.bus.jsm, entry.seq), replayDeadLetter(js, orders.bus.jsm, entry.seq)]);
    expect((await orders.bus.jsm.streams.info("INVENTORY")).state.last_seq).toBe(before + 1);
    const done = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
    expect(done.length).toBeGreaterThanOrEqual(1);
    expect(done.filter((r) => !r.duplicate)).toHaveLength(1);
    for (const r of results) if (r.status === "rejected") expect(r.reason).toBeInstanceOf(DeadLetterNotFoundError);
    // garbage is garbage: inventory-inventory gives up on it again, and nobody else does
    await waitFor(async () => entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "inventory-inventory").length === 3, { what: "the replayed garbage back in the DLQ" });
    expect(entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "orders-inventory")).toHaveLength(4);
  });

  it("refuses to replay a parked payment step, and names the retry endpoint", async () => {
    const h = natsHeaders();
    h.set(DLQ_HEADERS.consumer, "payments-worker");
    h.set(DLQ_HEADERS.stream, "PAYMENTS");
    h.set(DLQ_HEADERS.subject, `payments.capturing.${known}`);
    h.set(DLQ_HEADERS.sequence, "0");
    h.set(DLQ_HEADERS.reason, "capturing refused by the provider: payment intent is canceled");
    const { seq } = await js.publish("dlq.PAYMENTS.payments-worker", JSON.stringify({ orderId: known, step: "capturing" }), { headers: h });
    const run = await cli("dlq", "replay", String(seq));
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`DLQ#${seq} is a parked payment step (capturing) of order ${known}, not a message`);
    expect(run.stderr).toContain(`POST /admin/payments/${known}/retry`);
    const rm = await cli("dlq", "rm", String(seq));
    expect(rm.code).toBe(0);
    expect(rm.stdout.trim()).toBe(`removed DLQ#${seq}`);
  });
});

describe("a service's /admin/dlq", () => {
  it("lists only the service's own dead letters", async () => {
    const response = await admin("");
    expect(response.status).toBe(200);
    const body = (await response.json()) as { consumers: string[]; total: number; entries: DeadLetterEntry[] };
    expect([...body.consumers].sort()).toEqual(["orders-inventory", "orders-payments", "orders-shipping", "orders-worker"]);
    expect(body.total).toBe(4);
    expect(body.entries.map((entry) => entry.consumer)).toEqual(Array(4).fill("orders-inventory"));
    const one = await admin(`/${body.entries[0]!.seq}`);
    expect(one.status).toBe(200);
    expect(await one.json()).toMatchObject({ seq: body.entries[0]!.seq, consumer: "orders-inventory", headers: expect.any(Object) });
  });

  it("answers problem+json: 404 for an unknown seq, 400 for a malformed one, 409 for another service's dead letter", async () => {
    const missing = await admin("/424242");
    expect(missing.status).toBe(404);
    expect(missing.headers.get("content-type")).toBe("application/problem+json");
    expect(await missing.json()).toMatchObject({ code: "not_found", detail: "dead letter DLQ#424242 does not exist" });

    // POST /replay is a `/:seq` route (routes.ts): any other POST of one segment is no route at all
    const noRoute = await admin("/424242", { method: "POST" });
    expect(noRoute.status).toBe(404);
    expect(await noRoute.json()).toMatchObject({ code: "not_found", detail: "no route for POST /admin/dlq/424242" });

    const malformed = await admin("/abc/replay", { method: "POST" });
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: "validation_failed", errors: [{ field: "seq" }] });

    const foreign = entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "inventory-inventory")[0]!;
    for (const [path, method] of [[`/${foreign.seq}`, "GET"], [`/${foreign.seq}/replay`, "POST"], [`/${foreign.seq}`, "DELETE"]] as const) {
      const refused = await admin(path, { method });
      expect(refused.status, `${method} ${path}`).toBe(409);
      expect(await refused.json()).toMatchObject({ code: "foreign_consumer", detail: expect.stringContaining(`belongs to consumer inventory-inventory`) });
    }
    expect(entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "inventory-inventory")).toHaveLength(3);
  });

  it("replays one dead letter, then all of them, for the service's consumer only", async () => {
    const entries = entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "orders-inventory");
    const entry = entries.find((e) => e.orderId === unknownB)!;
    await createOrder(unknownB);
    const replayed = await admin(`/${entry.seq}/replay`, { method: "POST" });
    expect(replayed.status).toBe(200);
    expect(await replayed.json()).toMatchObject({ dlqSeq: entry.seq, consumer: "orders-inventory", subject: InventoryReserved.subject(unknownB), duplicate: false });
    await waitFor(async () => (await timeline(unknownB, fixB.id)) === 1, { what: "orders to handle the replay" });

    // the three that do not parse: replayed for orders-inventory, dead-lettered again by it alone
    const all = await admin("/replay", { method: "POST" });
    expect(all.status).toBe(200);
    const result = (await all.json()) as { replayed: unknown[]; skipped: unknown[] };
    expect(result.replayed).toHaveLength(3);
    expect(result.skipped).toEqual([]);
    await waitFor(async () => entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "orders-inventory").length === 3, { what: "the garbage back in the DLQ" });
    const after = await json<DeadLetterEntry[]>("dlq", "ls");
    expect(entriesOf(after, "inventory-inventory")).toHaveLength(3);
    expect(entriesOf(after, "orders-inventory").every((e) => !entries.some((old) => old.seq === e.seq))).toBe(true);

    const deleted = await admin(`/${entriesOf(after, "orders-inventory")[0]!.seq}`, { method: "DELETE" });
    expect(deleted.status).toBe(204);
    expect((await admin(`/${entriesOf(after, "orders-inventory")[0]!.seq}`)).status).toBe(404);
  });
});

describe("checkout dlq purge", () => {
  it("refuses without --yes, then removes a consumer's dead letters, then all of them", async () => {
    const refused = await cli("dlq", "purge");
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("refusing to remove 5 dead letters without --yes");

    const some = await cli("dlq", "purge", "--consumer", "inventory-inventory", "--yes");
    expect(some.code, some.stderr).toBe(0);
    expect(some.stdout.trim()).toBe("removed 3 dead letters");
    expect(entriesOf(await json<DeadLetterEntry[]>("dlq", "ls"), "inventory-inventory")).toEqual([]);

    expect(await json("dlq", "purge", "--yes")).toEqual({ purged: 2 });
    expect(await json("dlq", "ls")).toEqual([]);
    expect((await cli("dlq", "ls")).stdout.trim()).toBe("no dead letters");
  });
});
