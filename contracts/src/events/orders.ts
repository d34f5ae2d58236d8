import { z } from "zod";
import { defineEvent } from "../define-event.ts";
import type { CloudEvent } from "../envelope.ts";
import { Address, Currency, MinorUnits, Money, OrderId, Sku } from "../money.ts";

export const OrderLine = z.object({
  sku: Sku,
  name: z.string(),
  qty: z.number().int().min(1),
  unitPrice: MinorUnits,
  lineTotal: MinorUnits,
});

export const PriceSnapshot = z.object({
  currency: Currency,
  subtotal: MinorUnits,
  discount: MinorUnits,
  tax: MinorUnits,
  shipping: MinorUnits,
  total: MinorUnits,
  promoCode: z.string().optional(),
});
export type PriceSnapshot = z.infer<typeof PriceSnapshot>;

export const Customer = z.object({ userId: z.string().optional(), email: z.email() });

export const CancelReason = z.enum([
  "out_of_stock",
  "unknown_sku",
  "payment_declined",
  "payment_failed",
  "reservation_expired",
  "shipping_failed",
  "customer_request",
]);
export type CancelReason = z.infer<typeof CancelReason>;

export const OrderPlaced = defineEvent({
  name: "OrderPlaced",
  stream: "ORDERS",
  token: "placed",
  schema: z.object({
    orderId: OrderId,
    customer: Customer,
    lines: z.array(OrderLine).min(1),
    pricing: PriceSnapshot,
    paymentMethod: z.string().min(1),
    shippingAddress: Address,
    placedAt: z.iso.datetime({ offset: true }),
  }),
});

export const OrderConfirmed = defineEvent({
  name: "OrderConfirmed",
  stream: "ORDERS",
  token: "confirmed",
  schema: z.object({
    orderId: OrderId,
    customer: Customer,
    lines: z.array(z.object({ sku: Sku, qty: z.number().int().min(1) })).min(1),
    total: Money,
    shippingAddress: Address,
    /** what a later compensation needs, so undo never has to look elsewhere */
    paymentIntentId: z.string().min(1),
    reservationId: z.string().optional(),
  }),
});

export const OrderCancelled = defineEvent({
  name: "OrderCancelled",
  stream: "ORDERS",
  token: "cancelled",
  schema: z.object({
    orderId: OrderId,
    reason: CancelReason,
    detail: z.string().optional(),
    customer: Customer,
    paymentIntentId: z.string().optional(),
    reservationId: z.string().optional(),
    // the description travels into the published JSON Schema, for consumers that read no TypeScript
    placed: z
      .boolean()
      .optional()
      .describe(
        "false when checkout refused the order (ADR 0010): no OrderPlaced was ever published for it, so no other service holds, charges or ships anything of it and nothing can arrive later. Absent means the order was placed (and from producers older than the field). Orders no longer writes false: a refused order's fact is now OrderRefused (orders.refused.<id>); consumers still skip the OrderCancelled events with false that older producers wrote.",
      ),
  }),
});

/**
 * An OrderCancelled of an order checkout refused, as orders wrote them before OrderRefused (December
 * 2026): no other service ever saw the order (ADR 0010). Consumers still skip such events left in the
 * stream, or replayed from the DLQ.
 */
export const wasNeverPlaced = (cancelled: CloudEvent<string, z.infer<typeof OrderCancelled.schema>>): boolean => cancelled.data.placed === false;

/**
 * Checkout refused the order (ADR 0010): a SKU of it was known to be sold out, so the order was written
 * CANCELLED at once and never placed. No other service reacts to it: nothing was reserved, charged or
 * shipped, and no OrderPlaced or OrderConfirmed will follow. It has its own subject
 * (`orders.refused.<id>`), so that a consumer that filters on the events it handles (nats-server 2.10+)
 * never receives it, and one that filters on `orders.>` skips it unread.
 */
export const OrderRefused = defineEvent({
  name: "OrderRefused",
  stream: "ORDERS",
  token: "refused",
  schema: z.object({
    orderId: OrderId,
    reason: z.enum(["out_of_stock"]),
    detail: z.string().optional(),
    /** the SKUs of the order that were known to be sold out */
    soldOut: z.array(Sku).min(1),
    customer: Customer,
  }),
});

export const OrderCompleted = defineEvent({
  name: "OrderCompleted",
  stream: "ORDERS",
  token: "completed",
  schema: z.object({ orderId: OrderId, total: Money, paymentIntentId: z.string().min(1) }),
});
