import type { Handler } from "@checkout/messaging";
import type { Carrier } from "../carrier/carrier.ts";
import { onOrderConfirmed } from "./on-order-confirmed.ts";
import { onOrderCancelled } from "./on-order-cancelled.ts";

/** What shipping reacts to (both on ORDERS: the durable consumer is `shipping-orders`). */
export const shippingHandlers = ({ carrier }: { carrier: Carrier }): Handler[] => [onOrderConfirmed({ carrier }), onOrderCancelled({ carrier })];
