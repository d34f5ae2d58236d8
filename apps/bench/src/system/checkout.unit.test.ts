import { describe, expect, it } from "vitest";
import { checkoutOne, createLedger } from "./checkout.ts";
import type { PlannedOrder } from "../plan/plan.ts";

const order = { intent: "complete" } as unknown as PlannedOrder;

/** a shop whose checkout answers the given statuses in turn, recording the Idempotency-Keys it was sent */
function shopAnswering(...answers: Array<[number, Record<string, string>?]>) {
  const keys: string[] = [];
  const shop = {
    async checkout(_cartId: string, { key }: { key: string }) {
      keys.push(key);
      const [status, headers = {}] = answers.shift() ?? [500];
      const body = status === 202 ? JSON.stringify({ orderId: "order-1" }) : JSON.stringify({ title: "busy" });
      return new Response(body, { status, headers });
    },
  };
  return { shop: shop as never, keys };
}

describe("checkoutOne", () => {
  it("presses again after a 503 with the same Idempotency-Key, and counts the order once", async () => {
    const ledger = createLedger(1);
    const { shop, keys } = shopAnswering([503, { "Retry-After": "0" }], [503, { "Retry-After": "0" }], [202]);
    await checkoutOne(shop, ledger, 0, order, "cart-1", 1_000, 5);
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(ledger).toMatchObject({ sent: 1, answered: 1, accepted: 1, retried: 2 });
    expect(ledger.status[0]).toBe(202);
    expect(ledger.orderId[0]).toBe("order-1");
    expect(ledger.scheduledAt[0]).toBe(1_000);
  });

  it("keeps the last 503 once the retries are used up, and does not retry without --retries", async () => {
    const retried = createLedger(1);
    const first = shopAnswering([503, { "Retry-After": "0" }], [503, { "Retry-After": "0" }], [202]);
    await checkoutOne(first.shop, retried, 0, order, "cart-1", 0, 1);
    expect(first.keys).toHaveLength(2);
    expect(retried).toMatchObject({ accepted: 0, retried: 1 });
    expect(retried.status[0]).toBe(503);

    const once = createLedger(1);
    const second = shopAnswering([503, { "Retry-After": "0" }], [202]);
    await checkoutOne(second.shop, once, 0, order, "cart-1", 0);
    expect(second.keys).toHaveLength(1);
    expect(once).toMatchObject({ accepted: 0, retried: 0 });
  });

  it("does not retry other refusals", async () => {
    const ledger = createLedger(1);
    const { shop, keys } = shopAnswering([422], [202]);
    await checkoutOne(shop, ledger, 0, order, "cart-1", 0, 5);
    expect(keys).toHaveLength(1);
    expect(ledger.status[0]).toBe(422);
  });
});
