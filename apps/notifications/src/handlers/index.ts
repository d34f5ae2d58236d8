import type { Handler } from "@checkout/messaging";
import { onOrderConfirmed } from "./on-order-confirmed.ts";
import { onOrderCancelled } from "./on-order-cancelled.ts";
import { onShipmentCreated } from "./on-shipment-created.ts";

/** What notifications reacts to: each handler records one mail for the worker and emits nothing. */
export const notificationHandlers: Handler[] = [onOrderConfirmed, onOrderCancelled, onShipmentCreated];
