import { baseConfig, config } from "@checkout/config";

export const InventoryConfig = baseConfig.extend({
  PORT: config.port(3001),
  DATABASE_URL: config.z.string().default("postgres://postgres@127.0.0.1:5432/checkout_inventory"),
  /** how long a reservation holds stock waiting for payment */
  RESERVATION_TTL_MS: config.duration(15 * 60 * 1000),
  /** extra time after the deadline before a hold is released, so a just-in-time payment can still confirm */
  RESERVATION_GRACE_MS: config.z.coerce.number().int().min(0).default(5_000),
  /** how often the expiry sweeper looks for due holds */
  EXPIRY_POLL_MS: config.duration(500),
});
export type InventoryConfig = ReturnType<typeof InventoryConfig.parse>;
