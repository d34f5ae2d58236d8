import type { KV } from "@nats-io/kv";
import type { Handler } from "@checkout/messaging";
import { onOrderPlaced } from "./on-order-placed.ts";
import { onOrderConfirmed } from "./on-order-confirmed.ts";
import { onOrderCancelled } from "./on-order-cancelled.ts";
import { onPaymentFailed } from "./on-payment-failed.ts";
import { projectHolds } from "./project-holds.ts";

/** What inventory reacts to. */
export const inventoryHandlers = ({ reservationTtlMs, holds }: { reservationTtlMs: number; holds: KV }): Handler[] => [
  onOrderPlaced({ reservationTtlMs }),
  onOrderConfirmed,
  onOrderCancelled,
  onPaymentFailed,
  ...projectHolds(holds),
];
