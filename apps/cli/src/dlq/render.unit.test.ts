import { describe, expect, it } from "vitest";
import type { DeadLetter, DeadLetterEntry } from "@checkout/messaging";
import { parseSeq } from "../commands/dlq.ts";
import { renderList, renderReplay, renderReplayAll, renderShow } from "./render.ts";

const orderId = "1ff1aa2d-3dcd-4a9f-9004-b033dd0f1798";
const now = new Date("2026-01-01T00:10:00.000Z");
const entry: DeadLetterEntry = {
  seq: 4,
  time: "2026-01-01T00:08:00.000Z",
  consumer: "orders-inventory",
  stream: "INVENTORY",
  subject: `inventory.reserved.${orderId}`,
  originalSeq: 12,
  deliveries: 1,
  reason: `unprocessable: InventoryReserved for unknown order ${orderId}`,
  size: 1_536,
  eventType: "checkout.InventoryReserved.v1",
  orderId,
  parked: false,
};
const parked: DeadLetterEntry = { ...entry, seq: 5, consumer: "payments-worker", stream: "PAYMENTS", subject: `payments.capturing.${orderId}`, originalSeq: 0, eventType: undefined, parked: true, reason: "capturing refused by the provider" };

describe("checkout dlq output", () => {
  it("ls: one row per dead letter, and the total when more exist", () => {
    const text = renderList([entry, parked], 3, now);
    const [summary, header, first, second] = text.split("\n");
    expect(summary).toBe("3 dead letters (showing the oldest 2; --limit for more)");
    expect(header).toMatch(/^SEQ +DEAD-LETTERED +CONSUMER +FROM +SUBJECT +EVENT +DELIVERIES +SIZE +REASON$/);
    expect(first).toMatch(new RegExp(`^ +4 +2m00s ago +orders-inventory +INVENTORY#12 +inventory\\.reserved\\.${orderId} +InventoryReserved\\.v1 +1 +1\\.5 KiB +unprocessable: `));
    expect(second).toMatch(/ payments-worker +- +payments\.capturing\.\S+ +\(parked payment step\) /);
    expect(renderList([], 0, now)).toBe("no dead letters");
  });

  it("show: where from, why, headers, body, and what to do next", () => {
    const letter: DeadLetter = { ...entry, headers: { traceparent: "00-abc-def-01", "Checkout-Dlq-Reason": entry.reason }, body: { type: entry.eventType, subject: orderId } };
    const text = renderShow(letter, now);
    expect(text.split("\n")[0]).toBe(`DLQ#4  dead-lettered 2026-01-01T00:08:00.000Z (2m00s ago) by orders-inventory after 1 delivery`);
    expect(text).toContain(`from     INVENTORY#12 inventory.reserved.${orderId}`);
    expect(text).toContain("  traceparent: 00-abc-def-01");
    expect(text).toContain(`    "subject": "${orderId}"`);
    expect(text).toContain("next: fix the cause, then: checkout dlq replay 4");
    expect(renderShow({ ...parked, headers: {}, body: { step: "capturing" } }, now)).toContain(`next: retry the step on the payments service (POST /admin/payments/${orderId}/retry), then remove this dead letter: checkout dlq rm 5`);
  });

  it("replay: where it went, and whether the stream deduplicated it", () => {
    const replayed = { dlqSeq: 4, consumer: "orders-inventory", stream: "INVENTORY", subject: entry.subject, seq: 20, duplicate: false };
    expect(renderReplay(replayed)).toBe(`replayed DLQ#4 to ${entry.subject} (INVENTORY#20) for orders-inventory only; the dead letter is removed`);
    expect(renderReplay({ ...replayed, duplicate: true })).toMatch(/^DLQ#4 was already replayed .*deduplicated, nothing new published/);
    expect(renderReplayAll({ replayed: [replayed], skipped: [{ seq: 5, consumer: "payments-worker", subject: parked.subject, reason: "parked" }] }).split("\n")).toEqual([
      renderReplay(replayed),
      `skipped DLQ#5 (payments-worker, ${parked.subject}): parked`,
      "replayed 1, skipped 1",
    ]);
  });

  it("seq arguments are positive integers", () => {
    expect(parseSeq("12")).toBe(12);
    for (const bad of ["0", "-1", "1.5", "abc", "", "99999999999999999"]) expect(() => parseSeq(bad)).toThrow(/seq must be a DLQ stream sequence/);
  });
});
