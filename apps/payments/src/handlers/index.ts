import type { Handler } from "@checkout/messaging";
import { onOrderPlaced } from "./on-order-placed.ts";
import { onInventoryReserved } from "./on-inventory-reserved.ts";
import { onOrderCancelled } from "./on-order-cancelled.ts";
import { onShipmentCreated } from "./on-shipment-created.ts";

/** What payments reacts to. The provider calls themselves are made by the payment worker. */
export const paymentHandlers: Handler[] = [onOrderPlaced, onInventoryReserved, onOrderCancelled, onShipmentCreated];
