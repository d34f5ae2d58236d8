import { describe, expect, it } from "vitest";
import { InventoryReserved, OrderCancelled, OrderPlaced, PaymentAuthorized, PaymentVoided, sampleEnvelopes, type EventContract } from "@checkout/contracts";
import { describe as details, inTimeOrder, producerOf, toFact, UNPARSEABLE, type DeadLetterHeaders, type StoredMessage } from "./facts.ts";
import { renderTrace, summary } from "./render.ts";

const orderId = "6b3c2f7e-1d2a-4c3b-9a8f-0e1d2c3b4a59";
const bytes = (value: unknown) => new TextEncoder().encode(typeof value === "string" ? value : JSON.stringify(value));
const storedAt = "2026-01-01T13:00:00.000Z";

function event(contract: EventContract, time: string, options: { causedBy?: { id: string } } = {}) {
  return contract.create(orderId, sampleEnvelopes(contract, orderId)[0]!.data as never, { time: new Date(time), ...options });
}

const message = (stream: string, seq: number, body: unknown, subject = `x.y.${orderId}`): StoredMessage => ({ stream, seq, subject, storedAt, data: bytes(body) });

const DLQ: DeadLetterHeaders = {
  reason: "R",
  consumer: "C",
  stream: "S",
  subject: "SUBJ",
  sequence: "SEQ",
  deliveries: "D",
  time: "T",
};

describe("toFact", () => {
  it("reads a CloudEvent: time, producer, event name, ids and key fields", () => {
    const placed = event(OrderPlaced, "2026-01-01T12:00:00.000Z");
    const reserved = event(InventoryReserved, "2026-01-01T12:00:01.000Z", { causedBy: placed });
    const fact = toFact(message("INVENTORY", 7, reserved, InventoryReserved.subject(orderId)));
    expect(fact).toMatchObject({
      time: "2026-01-01T12:00:01.000Z",
      stream: "INVENTORY",
      seq: 7,
      subject: `inventory.reserved.${orderId}`,
      producer: "inventory",
      event: "InventoryReserved",
      type: "checkout.InventoryReserved.v1",
      id: reserved.id,
      causationId: placed.id,
      fields: { reservationId: "res_sample", lines: "MUG-LOGO×2" },
      error: undefined,
      deadLetter: undefined,
    });
    expect(details(fact)).toContain(`cause=${placed.id.slice(0, 8)}`);
  });

  it("flags what does not parse against contracts/, with the reason, and never throws", () => {
    const garbage = toFact(message("ORDERS", 3, "{ not json"));
    expect(garbage).toMatchObject({ event: UNPARSEABLE, time: storedAt, producer: undefined });
    expect(garbage.error).toMatch(/^not JSON/);

    const unknown = toFact(message("ORDERS", 4, { ...event(OrderPlaced, "2026-01-01T12:00:00Z"), type: "checkout.OrderTeleported.v1" }));
    expect(unknown).toMatchObject({ event: UNPARSEABLE, error: "unknown event type checkout.OrderTeleported.v1", producer: "orders" });

    const badData = { ...event(OrderPlaced, "2026-01-01T12:00:00Z"), data: { orderId } };
    const invalid = toFact(message("ORDERS", 5, badData));
    expect(invalid.event).toBe(UNPARSEABLE);
    expect(invalid.error).toMatch(/checkout\.OrderPlaced\.v1/);
    expect(invalid.error).not.toContain("\n");
    expect(invalid.time).toBe(storedAt); // an unreadable event's own time is not trusted

    expect(toFact(message("ORDERS", 6, [1, 2])).error).toMatch(/not a JSON object/);
    expect(details(invalid)).toContain("error: ");
  });

  it("reads a dead letter: the original event, when it was dead-lettered, by whom and why", () => {
    const placed = event(OrderPlaced, "2026-01-01T12:00:00.000Z");
    const fact = toFact(
      {
        ...message("DLQ", 2, placed, "dlq.ORDERS.inventory-orders"),
        headers: { R: "handler failed 5 times: boom", C: "inventory-orders", S: "ORDERS", SUBJ: OrderPlaced.subject(orderId), SEQ: "12", D: "5", T: "2026-01-01T12:05:00.000Z" },
      },
      DLQ,
    );
    expect(fact).toMatchObject({
      time: "2026-01-01T12:05:00.000Z",
      stream: "DLQ",
      event: "OrderPlaced",
      deadLetter: { consumer: "inventory-orders", reason: "handler failed 5 times: boom", stream: "ORDERS", subject: `orders.placed.${orderId}`, sequence: 12, deliveries: 5 },
    });
    expect(details(fact)).toMatch(/^dead-lettered by inventory-orders from ORDERS#12 after 5 deliveries: handler failed 5 times: boom/);
  });
});

describe("inTimeOrder", () => {
  it("orders by the CloudEvents time across streams, whatever the offset, then by stream sequence", () => {
    const placed = toFact(message("ORDERS", 1, event(OrderPlaced, "2026-01-01T12:00:00.000Z")));
    // published later to its stream, but it happened earlier than the authorization
    const reserved = toFact(message("INVENTORY", 9, { ...event(InventoryReserved, "2026-01-01T12:00:00Z"), time: "2026-01-01T13:00:01+01:00" }));
    const authorized = toFact(message("PAYMENTS", 1, event(PaymentAuthorized, "2026-01-01T12:00:02.000Z")));
    const cancelled = toFact(message("ORDERS", 5, event(OrderCancelled, "2026-01-01T12:00:03.000Z")));
    const voidedSameTime = toFact(message("PAYMENTS", 2, event(PaymentVoided, "2026-01-01T12:00:03.000Z")));
    const garbage = toFact(message("ORDERS", 4, "garbage"));

    const ordered = inTimeOrder([garbage, cancelled, authorized, voidedSameTime, reserved, placed]);
    expect(ordered.map((fact) => `${fact.stream}#${fact.seq}`)).toEqual(["ORDERS#1", "INVENTORY#9", "PAYMENTS#1", "PAYMENTS#2", "ORDERS#5", "ORDERS#4"]);
  });
});

describe("renderTrace", () => {
  it("prints a summary, a header and one aligned line per fact with offsets from the first", () => {
    const placed = event(OrderPlaced, "2026-01-01T12:00:00.000Z");
    const facts = inTimeOrder([
      toFact(message("ORDERS", 1, placed, OrderPlaced.subject(orderId))),
      toFact(message("PAYMENTS", 1, event(PaymentAuthorized, "2026-01-01T12:00:01.204Z", { causedBy: placed }), PaymentAuthorized.subject(orderId))),
      toFact(message("ORDERS", 2, "garbage", OrderPlaced.subject(orderId))),
    ]);
    const lines = renderTrace(orderId, facts).split("\n");
    expect(lines[0]).toBe(`order ${orderId}: 3 facts (1 UNPARSEABLE) over 1h00m`);
    expect(lines[1]).toMatch(/^TIME +\+T +STREAM#SEQ +SUBJECT +PRODUCER +EVENT +ID +DETAILS$/);
    expect(lines[2]).toMatch(/^2026-01-01T12:00:00.000Z +\+0ms +ORDERS#1 +orders\.placed\.\S+ +orders +OrderPlaced +\w{8} +total=USD 24\.00 lines=MUG-LOGO×2$/);
    expect(lines[3]).toContain("+1.204s  PAYMENTS#1");
    expect(lines[3]).toContain(`paymentIntentId=pi_sample amount=USD 24.00 cause=${placed.id.slice(0, 8)}`);
    expect(lines[4]).toMatch(/\+1h00m +ORDERS#2 .* - +UNPARSEABLE +- +error: not JSON/);
    // columns line up: every fact's STREAM#SEQ starts where the header's does
    const at = lines[1]!.indexOf("STREAM#SEQ");
    for (const line of lines.slice(2)) expect(line.slice(at)).toMatch(/^(ORDERS|PAYMENTS)#/);
  });

  it("summarises one fact without a span", () => {
    expect(summary(orderId, [toFact(message("ORDERS", 1, event(OrderPlaced, "2026-01-01T12:00:00Z")))])).toBe(`order ${orderId}: 1 fact`);
  });
});

describe("producerOf", () => {
  it("takes the last segment of the CloudEvents source", () => {
    expect(producerOf("/checkout/payments")).toBe("payments");
    expect(producerOf(42)).toBeUndefined();
  });
});
