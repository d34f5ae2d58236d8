import { randomUUID } from "node:crypto";
import { OrderCancelled, OrderConfirmed, OrderPlaced, OrderRefused, type Address } from "@checkout/contracts";

type Line = { sku: string; qty: number; unitPrice?: number };

/** A valid OrderPlaced event for the given lines, as the orders service would write it. */
export function orderPlaced({
  orderId = randomUUID(),
  lines = [{ sku: "MUG-LOGO", qty: 1 }],
  paymentMethod = "pm_card_visa",
  email = "shopper@example.com",
}: { orderId?: string; lines?: Line[]; paymentMethod?: string; email?: string } = {}) {
  const priced = lines.map(({ sku, qty, unitPrice = 1_000 }) => ({ sku, name: sku, qty, unitPrice, lineTotal: unitPrice * qty }));
  const subtotal = priced.reduce((sum, line) => sum + line.lineTotal, 0);
  return OrderPlaced.create(orderId, {
    orderId,
    customer: { email },
    lines: priced,
    pricing: { currency: "USD", subtotal, discount: 0, tax: 0, shipping: 0, total: subtotal },
    paymentMethod,
    shippingAddress: { name: "Ada Lovelace", line1: "1 Main St", city: "Springfield", postalCode: "12345", region: "US-OR", country: "US" },
    placedAt: new Date().toISOString(),
  });
}

/** A valid OrderConfirmed as the orders service writes it: 2 × MUG-LOGO and 1 × TEE-M, $36.50, to Portland unless `address` says otherwise. */
export function orderConfirmed({ orderId = randomUUID(), email = "ada@example.com", address = {} }: { orderId?: string; email?: string; address?: Partial<Address> } = {}) {
  return OrderConfirmed.create(orderId, {
    orderId,
    customer: { email },
    lines: [{ sku: "MUG-LOGO", qty: 2 }, { sku: "TEE-M", qty: 1 }],
    total: { amount: 3_650, currency: "USD" },
    shippingAddress: { name: "Ada Lovelace", line1: "1 Main St", city: "Portland", postalCode: "97201", region: "US-OR", country: "US", ...address },
    paymentIntentId: `pi_${orderId}`,
  });
}

/**
 * Two orders checkout refused as sold out (ADR 0010), one in each form a participant may read: the
 * OrderRefused that orders publishes, and the OrderCancelled with `placed: false` that orders wrote
 * before OrderRefused existed (streams and the DLQ may still hold such events). No OrderPlaced was ever
 * published for either.
 */
export function refusedAtCheckout() {
  const [refusedId, cancelledId] = [randomUUID(), randomUUID()];
  const detail = "MUG-LOGO: sold out (refused at checkout)";
  const customer = { email: "shopper@example.com" };
  return [
    OrderRefused.create(refusedId, { orderId: refusedId, reason: "out_of_stock", detail, soldOut: ["MUG-LOGO"], customer }),
    OrderCancelled.create(cancelledId, { orderId: cancelledId, reason: "out_of_stock", detail, customer, placed: false }),
  ] as const;
}
