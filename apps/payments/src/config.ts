import { baseConfig, config } from "@checkout/config";

export const PaymentsConfig = baseConfig.extend({
  PORT: config.port(3002),
  DATABASE_URL: config.z.string().default("postgres://postgres@127.0.0.1:5432/checkout_payments"),
  /** a real sk_live_/sk_test_ key with STRIPE_API_URL=https://api.stripe.com, or anything for the simulator */
  STRIPE_SECRET_KEY: config.z.string().startsWith("sk_", "must be a Stripe secret key (sk_...)").default("sk_test_checkout_simulator"),
  STRIPE_API_URL: config.z.url().default("http://127.0.0.1:12111"),
  STRIPE_TIMEOUT_MS: config.duration(10_000),
  STRIPE_MAX_NETWORK_RETRIES: config.z.coerce.number().int().min(0).max(10).default(2),
  /** provider calls in flight at once */
  PAYMENT_WORKER_BATCH: config.z.coerce.number().int().min(1).max(1000).default(32),
  /** consecutive provider failures that open the circuit breaker, and how long it stays open */
  PAYMENT_BREAKER_THRESHOLD: config.z.coerce.number().int().min(1).default(5),
  PAYMENT_BREAKER_COOLDOWN_MS: config.duration(5_000),
});
export type PaymentsConfig = ReturnType<typeof PaymentsConfig.parse>;
