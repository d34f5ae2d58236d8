import { OrderCancelled, wasNeverPlaced } from "@checkout/contracts";
import { defineHandler } from "@checkout/messaging";
import { releaseOrder } from "./release.ts";

export const onOrderCancelled = defineHandler({
  subscribe: OrderCancelled,
  // refused at checkout, as orders said it before OrderRefused (ADR 0010): nothing of it here, and no
  // OrderPlaced to guard against with a tombstone
  ignores: wasNeverPlaced,
  handle: (event, context) => releaseOrder(event.data.orderId, "order_cancelled", event, context),
});
