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
  /**
   * max age of the `reservations` bucket: a released or committed hold leaves a delete marker per order,
   * and this is how long the markers stay (without it they would pile up forever). A live hold is put
   * once, so the age must outlast the longest hold (RESERVATION_TTL_MS + RESERVATION_GRACE_MS) by far
   */
  HOLDS_MAX_AGE_MS: config.duration(24 * 3600 * 1000),
}).refine((c) => c.HOLDS_MAX_AGE_MS >= 2 * (c.RESERVATION_TTL_MS + c.RESERVATION_GRACE_MS), {
  path: ["HOLDS_MAX_AGE_MS"],
  message: "must be at least twice RESERVATION_TTL_MS + RESERVATION_GRACE_MS, or a live hold could age out of the bucket",
});
export type InventoryConfig = ReturnType<typeof InventoryConfig.parse>;
