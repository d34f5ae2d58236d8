import { describe, expect, it } from "vitest";
import { DLQ_HEADERS, REPLAY_FOR_HEADER } from "../dead-letter.ts";
import { deadLetterFilterSubject, InvalidDeadLetterFilterError, replayHeaders, replayMsgId, toDeadLetter, toEntry, type StoredDeadLetter } from "./entry.ts";

const orderId = "1ff1aa2d-3dcd-4a9f-9004-b033dd0f1798";
const stored = (over: Partial<StoredDeadLetter> = {}): StoredDeadLetter => ({
  seq: 7,
  subject: "dlq.ORDERS.inventory-orders",
  storedAt: new Date("2026-01-01T00:00:05.000Z"),
  headers: {
    traceparent: ["00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"],
    [DLQ_HEADERS.reason]: ["invalid event: not a CloudEvent"],
    [DLQ_HEADERS.consumer]: ["inventory-orders"],
    [DLQ_HEADERS.stream]: ["ORDERS"],
    [DLQ_HEADERS.subject]: [`orders.placed.${orderId}`],
    [DLQ_HEADERS.sequence]: ["42"],
    [DLQ_HEADERS.deliveries]: ["3"],
    [DLQ_HEADERS.time]: ["2026-01-01T00:00:04.000Z"],
  },
  data: new TextEncoder().encode(JSON.stringify({ type: "checkout.OrderPlaced.v1", subject: orderId })),
  ...over,
});

describe("a dead letter's entry", () => {
  it("reads where it came from and why from the Checkout-Dlq-* headers", () => {
    expect(toEntry(stored())).toEqual({
      seq: 7,
      time: "2026-01-01T00:00:04.000Z",
      consumer: "inventory-orders",
      stream: "ORDERS",
      subject: `orders.placed.${orderId}`,
      originalSeq: 42,
      deliveries: 3,
      reason: "invalid event: not a CloudEvent",
      size: stored().data.length,
      eventType: "checkout.OrderPlaced.v1",
      orderId,
      parked: false,
    });
  });

  it("falls back on the DLQ subject and the stored time, and keeps a body that is not JSON as text", () => {
    const letter = toDeadLetter(stored({ headers: {}, data: new TextEncoder().encode("{ garbage") }));
    expect(letter).toMatchObject({ consumer: "inventory-orders", stream: "ORDERS", time: "2026-01-01T00:00:05.000Z", reason: "(no reason recorded)", eventType: undefined, body: "{ garbage", headers: {} });
  });

  it("recognises a parked payment step", () => {
    const parked = stored({
      subject: "dlq.PAYMENTS.payments-worker",
      headers: { [DLQ_HEADERS.consumer]: ["payments-worker"], [DLQ_HEADERS.subject]: [`payments.capturing.${orderId}`], [DLQ_HEADERS.sequence]: ["0"] },
      data: new TextEncoder().encode(JSON.stringify({ orderId, step: "capturing" })),
    });
    expect(toEntry(parked)).toMatchObject({ parked: true, orderId, originalSeq: 0 });
  });
});

describe("replaying", () => {
  it("keeps the original headers, drops the DLQ bookkeeping and NATS control headers, and names the consumer", () => {
    const headers = { ...stored().headers, "Nats-Msg-Id": ["dlq:ORDERS:x:42"], "nats-expected-stream": ["ORDERS"], [REPLAY_FOR_HEADER]: ["someone-else"], "X-Multi": ["a", "b"] };
    expect(replayHeaders(headers, "inventory-orders")).toEqual([
      ["traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"],
      ["X-Multi", "a"],
      ["X-Multi", "b"],
      [REPLAY_FOR_HEADER, "inventory-orders"],
    ]);
    expect(replayMsgId(7)).toBe("replay:7");
  });
});

describe("filters", () => {
  it("become one DLQ subject (nats-server 2.9 takes one filter subject per consumer)", () => {
    expect(deadLetterFilterSubject()).toBe("dlq.>");
    expect(deadLetterFilterSubject({ consumer: "orders-inventory" })).toBe("dlq.*.orders-inventory");
    expect(deadLetterFilterSubject({ stream: "ORDERS" })).toBe("dlq.ORDERS.*");
    expect(deadLetterFilterSubject({ stream: "ORDERS", consumer: "inventory-orders" })).toBe("dlq.ORDERS.inventory-orders");
  });

  it("refuse names that would change the subject", () => {
    for (const consumer of ["a.b", "*", ">", "a b", ""]) expect(() => deadLetterFilterSubject({ consumer })).toThrow(InvalidDeadLetterFilterError);
  });
});
