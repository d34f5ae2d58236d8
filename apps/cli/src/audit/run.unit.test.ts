import { describe, expect, it } from "vitest";
import { audit, runChecks } from "./run.ts";
import { renderAudit } from "./render.ts";
import { cleanSystem } from "./test-fixtures.ts";

const sources = { nats: "nats://127.0.0.1:4222", "stripe-sim": "http://127.0.0.1:12111", orders: "postgres://postgres@127.0.0.1:5432/checkout_orders" };

describe("the audit report", () => {
  it("runs the eight checks in order, all passing on a consistent system", () => {
    const checks = runChecks(cleanSystem());
    expect(checks.map((check) => `${check.id} ${check.name}`)).toEqual(["1 settled", "2 stock", "3 holds", "4 money", "5 mails", "6 contracts", "7 dead-letters", "8 shipments"]);
    expect(checks.every((check) => check.ok)).toBe(true);
  });

  it("adds the figures: orders by status, SKUs, intents and money", () => {
    const report = audit(cleanSystem(), sources);
    expect(report.ok).toBe(true);
    expect(report.figures).toMatchObject({
      orders: { total: 2, byStatus: { CANCELLED: 1, COMPLETED: 1 }, inFlight: 0 },
      stock: { skus: 2, onHand: 15, reserved: 0 },
      reservations: { committed: 1, released: 1 },
      holds: 0,
      intents: { total: 2, byStatus: { requires_payment_method: 1, succeeded: 1 }, captured: { USD: 2_400 }, refunded: { USD: 0 } },
      mails: { cancelled: { sent: 1 }, confirmed: { sent: 1 }, shipped: { sent: 1 } },
      mailbox: 3,
      deadLetters: 0,
    });
  });

  it("renders ✓ for a passing check and ✗ with its violations for a failing one", () => {
    const data = cleanSystem();
    data.completed.total = 2_500;
    const text = renderAudit(audit(data, sources));
    expect(text).toMatch(/^checkout audit · nats nats:\/\/127\.0\.0\.1:4222 · stripe-sim http:\/\/127\.0\.0\.1:12111 · settle 60s\ndatabases: orders 127\.0\.0\.1:5432\/checkout_orders\n/);
    expect(text).toMatch(/\norders +2 \(CANCELLED 1, COMPLETED 1\); 0 in flight\n/);
    expect(text).toMatch(/\nintents +2 \(requires_payment_method 1, succeeded 1\); captured USD 24\.00, refunded USD 0\.00\n/);
    expect(text).toMatch(/\n✓ +1 +settled +0 +2 orders +every order is COMPLETED or CANCELLED within 60s\n/);
    expect(text).toMatch(/\n✗ +4 +money +1 +2 PaymentIntents, 2 payments +COMPLETED captured once/);
    expect(text).toContain(`\n      - order ${data.completed.id} is COMPLETED for USD 25.00 but USD 24.00 was captured`);
    expect(text.trimEnd().split("\n").at(-1)).toBe("8 checks: 7 ✓, 1 ✗ (money)");
  });

  it("shows at most maxLines violations per check", () => {
    const data = cleanSystem();
    data.deadLetters = { total: 3, entries: [] };
    data.stock = Array.from({ length: 5 }, (_, i) => ({ sku: `SKU-${i}`, onHand: 0, reserved: 1 }));
    const text = renderAudit(audit(data, sources), { maxLines: 2 });
    expect(text).toContain("      … and ");
    expect(text).toContain("(--json for all)");
  });
});
