import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { headers as natsHeaders } from "@nats-io/transport-node";
import { jetstream, type JetStreamClient } from "@nats-io/jetstream";
import { environment } from "@checkout/config";
import {
  InventoryCommitted,
  InventoryReleased,
  InventoryReserved,
  OrderCancelled,
  OrderCompleted,
  OrderConfirmed,
  OrderPlaced,
  PaymentAuthorized,
  PaymentCaptured,
  PaymentVoided,
  sampleEnvelopes,
  ShipmentCreated,
  type CloudEvent,
  type EventContract,
} from "@checkout/contracts";
import { DLQ_HEADERS, ensureConsumer, ensureStreams } from "@checkout/messaging";
import { connectBus, freePort, startNatsServer, type Bus, type NatsServer } from "@checkout/testing";

const BIN = fileURLToPath(new URL("../bin/checkout.js", import.meta.url));
const REPO = fileURLToPath(new URL("../../../", import.meta.url));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the real `checkout` as a child process. NATS_URL points nowhere: --server must win. */
function cli(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [BIN, ...args], { cwd: REPO, env: { ...environment(), NATS_URL: "nats://127.0.0.1:1" }, timeout: 20_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 99) : 0, stdout, stderr });
    });
  });
}

let server: NatsServer;
let bus: Bus;
let js: JetStreamClient;
const published: Record<string, number> = {};

const t0 = Date.now() - 10 * 60_000;
const at = (seconds: number) => new Date(t0 + seconds * 1000);

/** One step of a saga, as its producer would publish it, with the sample data of contracts/. */
function step<T>(contract: EventContract<string, T>, orderId: string, seconds: number, cause?: CloudEvent, patch: Partial<T> = {}) {
  const data = { ...(sampleEnvelopes(contract, orderId)[0]!.data as T), ...patch };
  return { contract, event: contract.create(orderId, data, { time: at(seconds), ...(cause ? { causedBy: cause } : {}) }) };
}

async function publish(steps: Array<{ contract: EventContract; event: CloudEvent }>) {
  for (const { contract, event } of steps) {
    await js.publish(contract.subject(event.subject), JSON.stringify(event), { msgID: event.id });
    published[contract.stream] = (published[contract.stream] ?? 0) + 1;
  }
}

const completedOrder = randomUUID();
const otherOrder = randomUUID();
const cancelledOrder = randomUUID();
const saga: Array<{ contract: EventContract; event: CloudEvent }> = [];

beforeAll(async () => {
  server = await startNatsServer();
  bus = await connectBus(server.url);
  await ensureStreams(bus.jsm);
  js = jetstream(bus.nc);

  const placed = step(OrderPlaced, completedOrder, 0);
  const reserved = step(InventoryReserved, completedOrder, 1, placed.event);
  const authorized = step(PaymentAuthorized, completedOrder, 2, reserved.event);
  const confirmed = step(OrderConfirmed, completedOrder, 3, authorized.event);
  const committed = step(InventoryCommitted, completedOrder, 4, confirmed.event);
  const shipped = step(ShipmentCreated, completedOrder, 5, confirmed.event);
  const captured = step(PaymentCaptured, completedOrder, 6, shipped.event);
  const completed = step(OrderCompleted, completedOrder, 7, captured.event);
  saga.push(placed, reserved, authorized, confirmed, committed, shipped, captured, completed);

  // Streams are written by different services: publish them stream by stream, last stream first, so
  // only the event times can put the facts back in order.
  const byStream = (stream: string) => saga.filter(({ contract }) => contract.stream === stream);
  for (const stream of ["SHIPPING", "PAYMENTS", "INVENTORY", "ORDERS"]) await publish(byStream(stream));

  // another order, interleaved in time with the first
  await publish([step(OrderPlaced, otherOrder, 0.5), step(InventoryReserved, otherOrder, 1.5)]);

  // a poison message on the order's own subject
  await js.publish(OrderPlaced.subject(completedOrder), "{ this is not a CloudEvent", { msgID: `garbage-${completedOrder}` });
  published.ORDERS! += 1;

  // a dead letter of the order (and one of the other order), as libs/messaging writes them
  const deadLetter = async (event: CloudEvent, consumer: string, seconds: number) => {
    const h = natsHeaders();
    h.set(DLQ_HEADERS.reason, "handler failed after 5 deliveries: database unavailable");
    h.set(DLQ_HEADERS.consumer, consumer);
    h.set(DLQ_HEADERS.stream, "ORDERS");
    h.set(DLQ_HEADERS.subject, OrderPlaced.subject(event.subject));
    h.set(DLQ_HEADERS.sequence, "1");
    h.set(DLQ_HEADERS.deliveries, "5");
    h.set(DLQ_HEADERS.time, at(seconds).toISOString());
    await js.publish(`dlq.ORDERS.${consumer}`, JSON.stringify(event), { headers: h, msgID: `dlq:${event.id}` });
  };
  await deadLetter(placed.event, "notifications-orders", 2.5);
  await deadLetter(step(OrderPlaced, otherOrder, 0.5).event, "notifications-orders", 2.6);

  // a cancelled order: authorized, then cancelled by the shopper, the authorization voided
  const cPlaced = step(OrderPlaced, cancelledOrder, 10);
  const cReserved = step(InventoryReserved, cancelledOrder, 11, cPlaced.event);
  const cAuthorized = step(PaymentAuthorized, cancelledOrder, 12, cReserved.event);
  const cCancelled = step(OrderCancelled, cancelledOrder, 13, undefined, { reason: "customer_request", detail: "cancelled by the shopper" });
  const cReleased = step(InventoryReleased, cancelledOrder, 14, cCancelled.event, { reason: "order_cancelled" });
  const cVoided = step(PaymentVoided, cancelledOrder, 15, cCancelled.event, { reason: "customer_request" });
  await publish([cPlaced, cReserved, cAuthorized, cCancelled, cReleased, cVoided]);
});

afterAll(async () => {
  await bus?.close();
  await server?.stop();
});

/** The fact lines of a text trace (after the summary and the header). */
const factLines = (stdout: string) => stdout.trimEnd().split("\n").slice(2);

describe("checkout trace", () => {
  it("lists exactly the facts of the order, in time order, with their key fields", async () => {
    const { code, stdout, stderr } = await cli("trace", completedOrder, "--server", server.url);
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(stdout).not.toContain(otherOrder);
    expect(stdout.split("\n")[0]).toBe(`order ${completedOrder}: 10 facts (1 UNPARSEABLE, 1 dead-lettered) over ${stdout.match(/over (\S+)/)![1]}`);

    const lines = factLines(stdout);
    const events = lines.map((line) => line.match(/ (UNPARSEABLE|[A-Z][a-z]+[A-Z][a-z]+) /)![1]);
    expect(events).toEqual([
      "OrderPlaced",
      "InventoryReserved",
      "PaymentAuthorized",
      "OrderPlaced", // the dead letter, at the time it was dead-lettered
      "OrderConfirmed",
      "InventoryCommitted",
      "ShipmentCreated",
      "PaymentCaptured",
      "OrderCompleted",
      "UNPARSEABLE",
    ]);
    const [placed, reserved, authorized, dlq, confirmed, committed, shipped, captured, completed, garbage] = lines as [string, ...string[]];
    const id = (index: number) => saga[index]!.event.id.slice(0, 8);
    expect(placed).toMatch(new RegExp(`^${at(0).toISOString()} +\\+0ms +ORDERS#\\d+ +orders\\.placed\\.${completedOrder} +orders +OrderPlaced +${id(0)} +total=USD 24\\.00 lines=MUG-LOGO×2$`));
    expect(reserved).toMatch(/\+1\.000s +INVENTORY#\d+ +inventory\.reserved\.\S+ +inventory +InventoryReserved .*reservationId=res_sample lines=MUG-LOGO×2/);
    expect(reserved).toContain(`cause=${id(0)}`);
    expect(authorized).toMatch(/PAYMENTS#\d+ .* payments +PaymentAuthorized .*paymentIntentId=pi_sample amount=USD 24\.00/);
    expect(dlq).toMatch(/\+2\.500s +DLQ#1 +dlq\.ORDERS\.notifications-orders .*dead-lettered by notifications-orders from ORDERS#1 after 5 deliveries: handler failed/);
    expect(confirmed).toMatch(/OrderConfirmed .*reservationId=res_sample paymentIntentId=pi_sample total=USD 24\.00 lines=MUG-LOGO×2/);
    expect(committed).toContain("reservationId=res_sample");
    expect(shipped).toMatch(/SHIPPING#1 .* shipping +ShipmentCreated .*shipmentId=shp_sample carrier=sim-post trackingNumber=SIM123456789/);
    expect(captured).toMatch(/PaymentCaptured .*paymentIntentId=pi_sample amount=USD 24\.00/);
    expect(completed).toMatch(/OrderCompleted .*paymentIntentId=pi_sample total=USD 24\.00/);
    expect(garbage).toMatch(/ORDERS#\d+ +orders\.placed\.\S+ +- +UNPARSEABLE +- +error: not JSON/);
  });

  it("prints the same facts as JSON with --json", async () => {
    const { code, stdout } = await cli("trace", completedOrder, "--json", "--server", server.url);
    expect(code).toBe(0);
    const facts = JSON.parse(stdout) as Array<Record<string, unknown>>;
    expect(facts).toHaveLength(10);
    expect(facts.map((fact) => fact.id).slice(0, 3)).toEqual(saga.slice(0, 3).map(({ event }) => event.id));
    expect(facts[0]).toMatchObject({ stream: "ORDERS", producer: "orders", event: "OrderPlaced", type: "checkout.OrderPlaced.v1", fields: { total: "USD 24.00", lines: "MUG-LOGO×2" }, error: null, deadLetter: null });
    expect(facts[3]).toMatchObject({ stream: "DLQ", deadLetter: { consumer: "notifications-orders", stream: "ORDERS", subject: `orders.placed.${completedOrder}`, sequence: 1, deliveries: 5 } });
    expect(facts.at(-1)).toMatchObject({ event: "UNPARSEABLE", error: expect.stringMatching(/^not JSON/) });
    const times = facts.map((fact) => Date.parse(fact.time as string));
    expect(times).toEqual([...times].sort((a, b) => a - b));
  });

  it("shows a cancelled order's cancellation with its reason and the voided authorization", async () => {
    const { code, stdout } = await cli("trace", cancelledOrder, "--server", server.url);
    expect(code).toBe(0);
    const lines = factLines(stdout);
    expect(lines.map((line) => line.match(/ ([A-Z][a-z]+[A-Z][a-z]+) /)![1])).toEqual([
      "OrderPlaced",
      "InventoryReserved",
      "PaymentAuthorized",
      "OrderCancelled",
      "InventoryReleased",
      "PaymentVoided",
    ]);
    expect(lines[3]).toContain('reason=customer_request detail="cancelled by the shopper"');
    expect(lines[4]).toContain("reason=order_cancelled");
    expect(lines[5]).toMatch(/PaymentVoided .*reason=customer_request paymentIntentId=pi_sample amount=USD 24\.00/);
  });

  it("exits 1 for an order with no facts", async () => {
    const unknown = randomUUID();
    const { code, stdout, stderr } = await cli("trace", unknown, "--server", server.url);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(stderr).toContain(`no facts found for order ${unknown}`);
  });

  it("exits 2 for an order id that is not a UUID", async () => {
    const { code, stderr } = await cli("trace", "order-42", "--server", server.url);
    expect(code).toBe(2);
    expect(stderr).toContain('order id must be a UUID, got "order-42"');
  });

  it("exits 2 with a clear message when nats-server cannot be reached", async () => {
    const url = `nats://127.0.0.1:${await freePort()}`;
    const { code, stdout, stderr } = await cli("trace", completedOrder, "--server", url);
    expect(code).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(`cannot reach nats-server at ${url}: is it running?`);
  });

  it("exits 2 on a usage error", async () => {
    expect((await cli("trace")).code).toBe(2);
    expect((await cli("no-such-command")).code).toBe(2);
  });
});

describe("checkout streams", () => {
  it("reports every stream's messages and a durable consumer's pending counts, and trace leaves no consumer behind", async () => {
    // On INVENTORY, where no subject repeats: nats-server 2.9.10 miscounts num_pending (it flips between
    // n and n+1) when one subject has messages on both sides of a wildcard consumer's position, as
    // orders.placed.<id> does in ORDERS here (the garbage message).
    await ensureConsumer(bus.jsm, { stream: "INVENTORY", durable: "audit-inventory", filterSubjects: ["inventory.>"] });
    const consumer = await js.consumers.get("INVENTORY", "audit-inventory");
    let delivered = 0;
    for await (const msg of await consumer.fetch({ max_messages: 3, expires: 2_000 })) if (++delivered < 3) msg.ack(); // the third stays unacknowledged
    await bus.nc.flush();

    const { code, stdout } = await cli("streams", "--json", "--server", server.url);
    expect(code).toBe(0);
    const report = JSON.parse(stdout) as {
      server: { version: string; limitations: string[] };
      streams: Array<{ name: string; messages: number; numSubjects: number; consumers: number }>;
      consumers: Array<Record<string, unknown>>;
      ephemeralConsumers: number;
    };
    const messages = Object.fromEntries(report.streams.map((s) => [s.name, s.messages]));
    expect(messages).toEqual({ ORDERS: published.ORDERS, INVENTORY: published.INVENTORY, PAYMENTS: published.PAYMENTS, SHIPPING: published.SHIPPING, DLQ: 2 });
    expect(report.streams.find((s) => s.name === "INVENTORY")).toMatchObject({ numSubjects: published.INVENTORY, consumers: 1 });
    expect(report.consumers).toEqual([
      expect.objectContaining({ name: "audit-inventory", stream: "INVENTORY", filter: "inventory.>", pending: published.INVENTORY! - 3, ackPending: 1, redelivered: 0, waiting: 0, lastDeliveredSeq: 3, ackFloorSeq: 2 }),
    ]);
    expect(report.ephemeralConsumers).toBe(0);
    expect(report.server.version).toMatch(/^\d+\.\d+\.\d+/);

    const text = await cli("streams", "--server", server.url);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(new RegExp(`ORDERS +orders\\.> +${published.ORDERS} `));
    expect(text.stdout).toMatch(new RegExp(`audit-inventory +INVENTORY +inventory\\.> +${published.INVENTORY! - 3} +1 +0 +0 +3 +2 `));
  });
});
