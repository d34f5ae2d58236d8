import type { Session } from "../../session.ts";
import { redact } from "../../session.ts";
import type { AuditConfig } from "../config.ts";
import type { AuditData } from "../model.ts";
import { loadDeadLetters, loadHolds, scanStreams } from "./bus.ts";
import { loadInventory, loadMails, loadOrders, loadPayments, loadShipments, withDatabase } from "./databases.ts";
import { loadIntents } from "./stripe.ts";

/** Everything the checks need, read side by side: five databases, the payment provider, JetStream. */
export async function loadAuditData({ nc, js, jsm }: Session, config: AuditConfig): Promise<AuditData> {
  const [orders, inventory, payments, shipments, notifications, intents, holds, streams, deadLetters] = await Promise.all([
    withDatabase("orders", config.ORDERS_DATABASE_URL, loadOrders),
    withDatabase("inventory", config.INVENTORY_DATABASE_URL, loadInventory),
    withDatabase("payments", config.PAYMENTS_DATABASE_URL, loadPayments),
    withDatabase("shipping", config.SHIPPING_DATABASE_URL, loadShipments),
    withDatabase("notifications", config.NOTIFICATIONS_DATABASE_URL, loadMails),
    loadIntents(config.STRIPE_SIM_URL),
    loadHolds(nc, jsm),
    scanStreams(js),
    loadDeadLetters(jsm),
  ]);
  return {
    settleSeconds: config.AUDIT_SETTLE_SECONDS,
    orders,
    ...inventory,
    holds,
    payments,
    shipments,
    ...notifications,
    intents,
    streams,
    deadLetters,
  };
}

export const auditSources = (server: string, config: AuditConfig): Record<string, string> => ({
  nats: server,
  "stripe-sim": config.STRIPE_SIM_URL,
  orders: redact(config.ORDERS_DATABASE_URL),
  inventory: redact(config.INVENTORY_DATABASE_URL),
  payments: redact(config.PAYMENTS_DATABASE_URL),
  shipping: redact(config.SHIPPING_DATABASE_URL),
  notifications: redact(config.NOTIFICATIONS_DATABASE_URL),
});
