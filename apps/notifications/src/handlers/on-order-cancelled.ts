import { OrderCancelled } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { cancellationMail } from "../domain/templates.ts";
import { recordMail } from "./record-mail.ts";

export const onOrderCancelled = defineHandler({
  subscribe: OrderCancelled,
  handle: (event, context) => {
    const { orderId, customer, reason, detail } = event.data;
    return recordMail(event, { orderId, kind: "cancelled", to: customer.email, render: () => cancellationMail({ orderId, reason, detail }) }, context);
  },
});
