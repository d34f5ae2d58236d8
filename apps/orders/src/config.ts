import { baseConfig, config } from "@checkout/config";

export const OrdersConfig = baseConfig.extend({
  PORT: config.port(3000),
  DATABASE_URL: config.z.string().default("postgres://postgres@127.0.0.1:5432/checkout_orders"),
  REDIS_URL: config.z.string().default("redis://127.0.0.1:6379"),
  REDIS_PREFIX: config.z.string().default("checkout:"),
  INVENTORY_URL: config.z.url().default("http://127.0.0.1:3001"),
  /** a cart is forgotten this long after its last change */
  CART_TTL_SECONDS: config.z.coerce.number().int().min(1).default(7 * 24 * 3600),
  /** Idempotency-Key records live this long (ARCHITECTURE §5.3: 24 h) */
  IDEMPOTENCY_TTL_MS: config.duration(24 * 3600 * 1000),
  PUBLIC_URL: config.z.url().optional(),
  /** upsert the demo catalog and promo codes at start-up (development and tests) */
  SEED_CATALOG: config.bool.default(false),
  /** requests per minute one user may send to the carts, checkout and orders API; 0: no limit */
  RATE_LIMIT_PER_USER_PER_MINUTE: config.z.coerce.number().int().min(0).default(300),
  /** requests per minute one client address may send to /api/*; 0: no limit */
  RATE_LIMIT_PER_IP_PER_MINUTE: config.z.coerce.number().int().min(0).default(600),
  /** a reverse proxy we run sets X-Forwarded-For: take the client address from it instead of the socket */
  TRUST_PROXY: config.bool.default(false),
  /** backpressure: checkouts one instance works on at once before it answers 503; 0: no limit */
  CHECKOUT_MAX_IN_FLIGHT: config.z.coerce.number().int().min(0).default(256),
  /** backpressure: checkouts that wait, first come first served, for one of those; beyond them, 503 at once */
  CHECKOUT_MAX_WAITING: config.z.coerce.number().int().min(0).default(1_024),
  /** backpressure: how long a checkout waits for its turn before it is answered 503; 0: none waits */
  CHECKOUT_MAX_WAIT_MS: config.z.coerce.number().int().min(0).max(60_000).default(10_000),
  /**
   * backpressure: open (not yet COMPLETED or CANCELLED) orders before checkout answers 503; 0: no limit.
   * About the sagas/s the deployment completes times the seconds of queue it accepts (Little's law)
   */
  CHECKOUT_MAX_OPEN_ORDERS: config.z.coerce.number().int().min(0).default(1_000),
  /**
   * after inventory rejects an order for a SKU with 0 available, checkout refuses further orders of that
   * SKU at once (CANCELLED out_of_stock) for this long, or until a unit of it is released; 0: never
   */
  CHECKOUT_SOLD_OUT_HINT_MS: config.z.coerce.number().int().min(0).default(2_000),
  /**
   * the hot-SKU gate (ADR 0014): orders of one SKU this instance placed that inventory has not decided
   * yet; a checkout of it beyond them waits (CHECKOUT_MAX_WAITING, CHECKOUT_MAX_WAIT_MS) for decisions,
   * and is refused at once if the SKU sells out meanwhile; 0: no gate
   */
  CHECKOUT_MAX_UNDECIDED_PER_SKU: config.z.coerce.number().int().min(0).default(128),
});
export type OrdersConfig = ReturnType<typeof OrdersConfig.parse>;
