import { PaymentFailed } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { releaseOrder } from "./release.ts";

export const onPaymentFailed = defineHandler({
  subscribe: PaymentFailed,
  handle: (event, context) => releaseOrder(event.data.orderId, "payment_failed", event, context),
});
