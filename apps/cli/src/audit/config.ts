import { ConfigError, config, environment, loadConfig } from "@checkout/config";
import { usageError } from "../errors.ts";

const postgresUrl = (database: string) =>
  config.z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL")
    .default(`postgres://postgres@127.0.0.1:5432/${database}`);

/** Where `checkout audit` reads from: flags win over the environment, which wins over these defaults. */
export const AuditConfig = config.z.object({
  ORDERS_DATABASE_URL: postgresUrl("checkout_orders"),
  INVENTORY_DATABASE_URL: postgresUrl("checkout_inventory"),
  PAYMENTS_DATABASE_URL: postgresUrl("checkout_payments"),
  SHIPPING_DATABASE_URL: postgresUrl("checkout_shipping"),
  NOTIFICATIONS_DATABASE_URL: postgresUrl("checkout_notifications"),
  /** stripe-sim's inspection API (GET /_sim/payment_intents): what the money checks read today */
  STRIPE_SIM_URL: config.z.url().default("http://127.0.0.1:12111"),
  /** an order not COMPLETED/CANCELLED this long after it was placed is a violation */
  AUDIT_SETTLE_SECONDS: config.z.coerce.number().int().min(0).default(60),
});
export type AuditConfig = ReturnType<typeof AuditConfig.parse>;

/** The flag of each setting (`--orders-db` for ORDERS_DATABASE_URL, …). */
export const AUDIT_FLAGS = {
  ORDERS_DATABASE_URL: "ordersDb",
  INVENTORY_DATABASE_URL: "inventoryDb",
  PAYMENTS_DATABASE_URL: "paymentsDb",
  SHIPPING_DATABASE_URL: "shippingDb",
  NOTIFICATIONS_DATABASE_URL: "notificationsDb",
  STRIPE_SIM_URL: "stripeUrl",
  AUDIT_SETTLE_SECONDS: "settleSeconds",
} as const satisfies Record<keyof AuditConfig, string>;

export type AuditFlags = Partial<Record<(typeof AUDIT_FLAGS)[keyof typeof AUDIT_FLAGS], string>>;

const kebab = (name: string) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;

export function auditConfig(flags: AuditFlags, env: Record<string, string | undefined> = environment()): AuditConfig {
  const merged: Record<string, string | undefined> = { ...env };
  for (const [variable, flag] of Object.entries(AUDIT_FLAGS)) if (flags[flag] !== undefined) merged[variable] = flags[flag];
  try {
    return loadConfig(AuditConfig, merged);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    let message = error.message;
    for (const [variable, flag] of Object.entries(AUDIT_FLAGS)) message = message.replace(`${variable}:`, `${kebab(flag)} / ${variable}:`);
    throw usageError(message.replace(/\n\s*/g, " "));
  }
}
