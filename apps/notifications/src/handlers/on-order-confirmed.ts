import { OrderConfirmed } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { confirmationMail } from "../domain/templates.ts";
import { recordMail } from "./record-mail.ts";

export const onOrderConfirmed = defineHandler({
  subscribe: OrderConfirmed,
  handle: (event, context) => {
    const { orderId, customer, lines, total } = event.data;
    return recordMail(event, { orderId, kind: "confirmed", to: customer.email, render: () => confirmationMail({ orderId, lines, total }) }, context);
  },
});
