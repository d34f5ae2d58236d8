import { z } from "zod";
import { defineEvent } from "../define-event.ts";
import { OrderId, Sku } from "../money.ts";

export const ReservedLine = z.object({ sku: Sku, qty: z.number().int().min(1) });

export const InventoryReserved = defineEvent({
  name: "InventoryReserved",
  stream: "INVENTORY",
  token: "reserved",
  schema: z.object({
    orderId: OrderId,
    reservationId: z.string().min(1),
    lines: z.array(ReservedLine).min(1),
    expiresAt: z.iso.datetime({ offset: true }),
  }),
});

export const RejectedLine = z.object({
  sku: z.string(),
  requested: z.number().int(),
  available: z.number().int().nonnegative(),
  problem: z.enum(["out_of_stock", "unknown_sku"]),
});

export const InventoryRejected = defineEvent({
  name: "InventoryRejected",
  stream: "INVENTORY",
  token: "rejected",
  schema: z.object({
    orderId: OrderId,
    reason: z.enum(["out_of_stock", "unknown_sku"]),
    lines: z.array(RejectedLine).min(1),
  }),
});

export const InventoryCommitted = defineEvent({
  name: "InventoryCommitted",
  stream: "INVENTORY",
  token: "committed",
  schema: z.object({ orderId: OrderId, reservationId: z.string().min(1), lines: z.array(ReservedLine).min(1) }),
});

export const ReleaseReason = z.enum(["payment_failed", "order_cancelled", "expired"]);

export const InventoryReleased = defineEvent({
  name: "InventoryReleased",
  stream: "INVENTORY",
  token: "released",
  schema: z.object({
    orderId: OrderId,
    reservationId: z.string().min(1),
    lines: z.array(ReservedLine).min(1),
    reason: ReleaseReason,
    /** `committed` when stock that had already been committed went back on the shelf */
    from: z.enum(["reserved", "committed"]),
  }),
});
