import { OrderCancelled, wasNeverPlaced } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { cancellationMail } from "../domain/templates.ts";
import { recordMail } from "./record-mail.ts";

export const onOrderCancelled = defineHandler({
  subscribe: OrderCancelled,
  // refused at checkout, as orders said it before OrderRefused (ADR 0010): the shopper had the answer in
  // the checkout's 202, and in a flash sale a mail to each of thousands of refused buyers would only
  // cost sends and look like spam
  ignores: wasNeverPlaced,
  handle: (event, context) => {
    const { orderId, customer, reason, detail } = event.data;
    return recordMail(event, { orderId, kind: "cancelled", to: customer.email, render: () => cancellationMail({ orderId, reason, detail }) }, context);
  },
});
