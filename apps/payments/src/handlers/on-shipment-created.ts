import { ShipmentCreated } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { lockPayment, startStep } from "../db/payments.ts";

/** The goods are on their way: capture the authorization (unless the order is being cancelled). */
export const onShipmentCreated = defineHandler({
  subscribe: ShipmentCreated,
  async handle(event, { sql, log, later }) {
    const payment = await lockPayment(sql, event.data.orderId);
    if (payment?.status === "authorized" && !payment.cancelRequested) later(startStep(sql, payment.orderId, "capturing"));
    else log.warn({ status: payment?.status ?? "none", cancelRequested: payment?.cancelRequested }, "shipment created but nothing to capture");
    return [];
  },
});
