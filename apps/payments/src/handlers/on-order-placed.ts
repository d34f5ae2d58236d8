import { OrderPlaced } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { recordHalf } from "../db/payments.ts";

/** Remembers what to charge; authorization waits until the stock is reserved too. */
export const onOrderPlaced = defineHandler({
  subscribe: OrderPlaced,
  async handle(event, { sql, later }) {
    const { orderId, pricing, paymentMethod } = event.data;
    later(recordHalf(sql, orderId, { amount: pricing.total, currency: pricing.currency, paymentMethod }));
    return [];
  },
});
