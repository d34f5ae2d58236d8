import { z } from "zod";
import { defineEvent } from "../define-event.ts";
import { OrderId } from "../money.ts";
import { Customer } from "./orders.ts";

export const ShipmentCreated = defineEvent({
  name: "ShipmentCreated",
  stream: "SHIPPING",
  token: "created",
  schema: z.object({
    orderId: OrderId,
    shipmentId: z.string().min(1),
    carrier: z.string().min(1),
    trackingNumber: z.string().min(1),
    estimatedDelivery: z.iso.date(),
    /** who is told about it (from OrderConfirmed) */
    customer: Customer,
  }),
});

export const ShipmentFailed = defineEvent({
  name: "ShipmentFailed",
  stream: "SHIPPING",
  token: "failed",
  schema: z.object({ orderId: OrderId, reason: z.enum(["address_not_served", "carrier_error"]), detail: z.string() }),
});

export const ShipmentCancelled = defineEvent({
  name: "ShipmentCancelled",
  stream: "SHIPPING",
  token: "cancelled",
  schema: z.object({ orderId: OrderId, shipmentId: z.string().min(1) }),
});
