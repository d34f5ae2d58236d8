import { OrderCancelled } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { releaseOrder } from "./release.ts";

export const onOrderCancelled = defineHandler({
  subscribe: OrderCancelled,
  handle: (event, context) => releaseOrder(event.data.orderId, "order_cancelled", event, context),
});
