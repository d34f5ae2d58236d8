import { ShipmentCreated } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { shippedMail } from "../domain/templates.ts";
import { recordMail } from "./record-mail.ts";

export const onShipmentCreated = defineHandler({
  subscribe: ShipmentCreated,
  handle: (event, context) => {
    const { orderId, customer, carrier, trackingNumber, estimatedDelivery } = event.data;
    return recordMail(event, { orderId, kind: "shipped", to: customer.email, render: () => shippedMail({ orderId, carrier, trackingNumber, estimatedDelivery }) }, context);
  },
});
