import { baseConfig, config } from "@checkout/config";

const countryList = config.z
  .string()
  .transform((list) => list.split(",").map((code) => code.trim().toUpperCase()).filter(Boolean))
  .pipe(config.z.array(config.z.string().regex(/^[A-Z]{2}$/, "a comma-separated list of ISO 3166-1 alpha-2 codes")));

export const ShippingConfig = baseConfig.extend({
  PORT: config.port(3003),
  DATABASE_URL: config.z.string().default("postgres://postgres@127.0.0.1:5432/checkout_shipping"),
  /** countries the (simulated) carrier refuses: a ShipmentFailed(address_not_served) naming the country */
  CARRIER_UNSERVED_COUNTRIES: countryList.default(["AQ", "KP"]),
  /** share of shipment requests the simulated carrier answers with carrier_error (0 never, 1 always) */
  CARRIER_FAILURE_RATE: config.z.coerce.number().min(0).max(1).default(0),
  /**
   * how long each simulated carrier call takes. The call runs inside the handler's transaction, so it is
   * kept well below ACK_WAIT_MS.
   */
  CARRIER_LATENCY_MS: config.z.coerce.number().int().min(0).max(10_000).default(0),
});
export type ShippingConfig = ReturnType<typeof ShippingConfig.parse>;
