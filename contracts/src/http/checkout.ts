import { z } from "zod";
import { Address, Money, textLine } from "../money.ts";
import { PriceSnapshot, CancelReason } from "../events/orders.ts";

export const CheckoutRequest = z.object({
  cartId: z.uuid(),
  email: z.email(),
  /** a Stripe PaymentMethod id, e.g. pm_card_visa */
  paymentMethod: z.string().regex(/^pm_[A-Za-z0-9_]{1,100}$/, "a Stripe PaymentMethod id such as pm_card_visa"),
  address: Address,
  promoCode: textLine({ min: 1, max: 40 }).optional(),
});
export type CheckoutRequest = z.infer<typeof CheckoutRequest>;

export const OrderStatus = z.enum(["PENDING", "CONFIRMED", "CANCELLING", "CANCELLED", "COMPLETED"]);
export type OrderStatus = z.infer<typeof OrderStatus>;

export const CheckoutAccepted = z.object({
  orderId: z.uuid(),
  status: OrderStatus,
  total: Money,
  statusUrl: z.string(),
  /** set when the order was refused at checkout and is already CANCELLED (a SKU known to be sold out) */
  cancelReason: CancelReason.optional(),
  cancelDetail: z.string().optional(),
});

export const TimelineEntry = z.object({
  type: z.string(),
  at: z.iso.datetime({ offset: true }),
  source: z.string(),
  detail: z.record(z.string(), z.unknown()).optional(),
});

export const OrderView = z.object({
  orderId: z.uuid(),
  status: OrderStatus,
  /** moves with every change of status; the SSE event id */
  version: z.number().int().positive(),
  cancelReason: CancelReason.nullable(),
  cancelDetail: z.string().nullable(),
  tracking: z.object({ carrier: z.string(), trackingNumber: z.string() }).nullable(),
  pricing: PriceSnapshot,
  lines: z.array(z.object({ sku: z.string(), name: z.string(), qty: z.number().int(), unitPrice: z.number().int(), lineTotal: z.number().int() })),
  createdAt: z.iso.datetime({ offset: true }),
  updatedAt: z.iso.datetime({ offset: true }),
  timeline: z.array(TimelineEntry),
});
export type OrderView = z.infer<typeof OrderView>;

export const QuoteRequest = z.object({ address: Address, promoCode: textLine({ min: 1, max: 40 }).optional() });

/** One Server-Sent Event of GET /api/orders/:id/events (event `status`, id = version). */
export const OrderStatusEvent = z.object({
  orderId: z.uuid(),
  version: z.number().int().positive(),
  status: OrderStatus,
  cancelReason: CancelReason.nullable(),
  at: z.iso.datetime({ offset: true }),
});
export type OrderStatusEvent = z.infer<typeof OrderStatusEvent>;
