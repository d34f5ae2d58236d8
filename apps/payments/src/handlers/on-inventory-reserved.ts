import { InventoryReserved } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { recordHalf } from "../db/payments.ts";

/** Stock is held until `expiresAt`: authorization may start (once the order's amount is known). */
export const onInventoryReserved = defineHandler({
  subscribe: InventoryReserved,
  async handle(event, { sql, later }) {
    const { orderId, reservationId, expiresAt } = event.data;
    later(recordHalf(sql, orderId, { reservationId, reservationExpiresAt: new Date(expiresAt) }));
    return [];
  },
});
