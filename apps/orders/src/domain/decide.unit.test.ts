import { describe, expect, it } from "vitest";
import { canCancel, decide, type Fact, type OrderState } from "./decide.ts";

const pending: OrderState = { status: "PENDING", cancelReason: null, facts: [], paymentIntentId: null, reservationId: null };
const reserved: Fact = { type: "InventoryReserved", reservationId: "res_1" };
const authorized: Fact = { type: "PaymentAuthorized", paymentIntentId: "pi_1" };
const rejected: Fact = { type: "InventoryRejected", reason: "out_of_stock", detail: "MUG: 0 of 2" };
const declined: Fact = { type: "PaymentFailed", reason: "declined", detail: "insufficient_funds" };
const released = (reason: "payment_failed" | "order_cancelled" | "expired"): Fact => ({ type: "InventoryReleased", reason });
const shipped: Fact = { type: "ShipmentCreated", trackingNumber: "T1", carrier: "sim" };

/** applies facts in order, as the handler does, and collects what the order published */
function run(facts: Fact[], from: OrderState = pending) {
  let state = from;
  const emitted: string[] = [];
  for (const fact of facts) {
    const decision = decide(state, fact);
    state = decision.state;
    emitted.push(...decision.emit);
  }
  return { status: state.status, cancelReason: state.cancelReason, emitted, state };
}

/** every order of the given facts gives the same status and the same published facts */
function sameWhateverTheOrder(facts: Fact[]) {
  const permutations = (items: Fact[]): Fact[][] => (items.length <= 1 ? [items] : items.flatMap((item, i) => permutations([...items.slice(0, i), ...items.slice(i + 1)]).map((rest) => [item, ...rest])));
  const outcomes = permutations(facts).map((order) => {
    const { status, cancelReason, emitted } = run(order);
    return JSON.stringify({ status, cancelReason, emitted: [...emitted].sort() });
  });
  return new Set(outcomes);
}

describe("the happy path", () => {
  it("authorized → CONFIRMED, captured → COMPLETED, each announced once", () => {
    expect(run([reserved, authorized, { type: "InventoryCommitted" }, shipped, { type: "PaymentCaptured" }])).toMatchObject({
      status: "COMPLETED",
      emitted: ["OrderConfirmed", "OrderCompleted"],
    });
  });

  it("gives the same result whatever the order of the facts, and with duplicates", () => {
    expect(sameWhateverTheOrder([reserved, authorized, { type: "InventoryCommitted" }])).toEqual(new Set([JSON.stringify({ status: "CONFIRMED", cancelReason: null, emitted: ["OrderConfirmed"] })]));
    expect(run([reserved, authorized, authorized, reserved]).emitted).toEqual(["OrderConfirmed"]);
  });
});

describe("failures and their compensations", () => {
  it("out of stock: CANCELLED at once, nothing held", () => {
    expect(run([rejected, rejected])).toMatchObject({ status: "CANCELLED", cancelReason: "out_of_stock", emitted: ["OrderCancelled"] });
  });

  it("a decline with stock held: CANCELLING until the release is confirmed", () => {
    const cancelling = run([reserved, declined]);
    expect(cancelling).toMatchObject({ status: "CANCELLING", cancelReason: "payment_declined", emitted: ["OrderCancelled"] });
    expect(run([released("payment_failed")], cancelling.state)).toMatchObject({ status: "CANCELLED", emitted: [] });
  });

  it("a decline that names the refused intent holds no money: CANCELLED once the stock is back", () => {
    const refused = run([reserved, { type: "PaymentFailed", reason: "declined", detail: "generic_decline", paymentIntentId: "pi_2" }, released("payment_failed")]);
    expect(refused).toMatchObject({ status: "CANCELLED", cancelReason: "payment_declined" });
  });

  it("an expired hold cancels a pending order; a late authorization keeps it CANCELLING until voided", () => {
    const expired = run([reserved, released("expired")]);
    expect(expired).toMatchObject({ status: "CANCELLED", cancelReason: "reservation_expired", emitted: ["OrderCancelled"] });
    const late = run([authorized], expired.state);
    expect(late).toMatchObject({ status: "CANCELLING", emitted: [] });
    expect(run([{ type: "PaymentVoided" }], late.state).status).toBe("CANCELLED");
  });

  it("a payment failure that reports a late authorization counts it as money to give back", () => {
    const result = run([reserved, { type: "PaymentFailed", reason: "reservation_expired", detail: "late", paymentIntentId: "pi_9" }, released("expired")]);
    expect(result).toMatchObject({ status: "CANCELLING", cancelReason: "reservation_expired" });
    expect(result.state.paymentIntentId).toBe("pi_9");
  });

  it("shipping refused after confirmation: cancelled as shipping_failed; void and restock complete it", () => {
    const refused = run([reserved, authorized, { type: "InventoryCommitted" }, { type: "ShipmentFailed", detail: "no delivery to AQ" }]);
    expect(refused).toMatchObject({ status: "CANCELLING", cancelReason: "shipping_failed", emitted: ["OrderConfirmed", "OrderCancelled"] });
    expect(sameWhateverTheOrder([{ type: "PaymentVoided" }, released("order_cancelled")]).size).toBe(1);
    expect(run([{ type: "PaymentVoided" }, released("order_cancelled")], refused.state).status).toBe("CANCELLED");
  });

  it("a confirmation whose hold expired and whose stock is gone is cancelled", () => {
    expect(run([reserved, authorized, released("expired"), rejected])).toMatchObject({ status: "CANCELLING", cancelReason: "reservation_expired" });
  });

  it("a capture that raced a cancellation is refunded before the order is CANCELLED", () => {
    const cancelled = run([reserved, authorized, { type: "CancelRequested" }, { type: "PaymentCaptured" }, released("order_cancelled")]);
    expect(cancelled).toMatchObject({ status: "CANCELLING", emitted: ["OrderConfirmed", "OrderCancelled"] });
    expect(run([{ type: "PaymentRefunded" }], cancelled.state).status).toBe("CANCELLED");
  });
});

describe("the shopper's cancellation", () => {
  it("is allowed before hand-over and refused after", () => {
    expect(canCancel(run([reserved, authorized]).state)).toBe(true);
    const handedOver = run([reserved, authorized, shipped]).state;
    expect(canCancel(handedOver)).toBe(false);
    expect(run([{ type: "CancelRequested" }], handedOver).emitted).toEqual([]);
    expect(run([{ type: "CancelRequested" }, { type: "CancelRequested" }]).emitted).toEqual(["OrderCancelled"]);
  });
});
