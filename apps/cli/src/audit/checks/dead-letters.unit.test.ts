import { describe, expect, it } from "vitest";
import type { DeadLetterEntry } from "@checkout/messaging";
import { checkDeadLetters } from "./dead-letters.ts";

const entry = (seq: number, consumer: string, reason: string): DeadLetterEntry => ({
  seq,
  time: "2026-01-01T00:00:00.000Z",
  consumer,
  stream: "ORDERS",
  subject: "orders.placed.x",
  originalSeq: seq,
  deliveries: 1,
  reason,
  size: 10,
  parked: false,
});

describe("check 7: the DLQ is empty", () => {
  it("passes on an empty DLQ", () => {
    expect(checkDeadLetters({ total: 0, entries: [] })).toMatchObject({ ok: true, count: 0, checked: "0 dead letters" });
  });

  it("counts every dead letter and lists the reasons, grouped by consumer", () => {
    const entries = [entry(1, "inventory-orders", "invalid event: x"), entry(2, "payments-orders", "invalid event: x"), entry(3, "inventory-orders", "invalid event: x")];
    const check = checkDeadLetters({ total: 5, entries });
    expect(check).toMatchObject({ ok: false, count: 5, checked: "5 dead letters" });
    expect(check.violations).toEqual([
      "2× inventory-orders: invalid event: x (DLQ#1, #3)",
      "1× payments-orders: invalid event: x (DLQ#2)",
      "… and 2 more dead letters (checkout dlq ls)",
    ]);
  });
});
