import { MESSAGING_MIGRATIONS, runService, type AnyEvent, type RunningService } from "@checkout/messaging";
import type { Logger } from "@checkout/log";
import type { PaymentsConfig } from "./config.ts";
import { paymentHandlers } from "./handlers/index.ts";
import { paymentRoutes } from "./http/app.ts";
import { createStripe } from "./stripe/client.ts";
import { startPaymentWorker } from "./worker/payment-worker.ts";
import { createCircuitBreaker } from "./worker/circuit-breaker.ts";

export const PAYMENTS_MIGRATIONS = new URL("./db/migrations", import.meta.url).pathname;

export function startPayments(config: PaymentsConfig, options: { log?: Logger; beforeAck?: (event: AnyEvent) => boolean; ackWaitMs?: number } = {}): Promise<RunningService> {
  const stripe = createStripe({ secretKey: config.STRIPE_SECRET_KEY, apiUrl: config.STRIPE_API_URL, timeoutMs: config.STRIPE_TIMEOUT_MS, maxNetworkRetries: config.STRIPE_MAX_NETWORK_RETRIES });
  return runService({
    name: "payments",
    config,
    migrations: [MESSAGING_MIGRATIONS, PAYMENTS_MIGRATIONS],
    handlers: paymentHandlers,
    routes: ({ sql }) => paymentRoutes({ sql }),
    workers: [
      ({ sql, log, messaging, metrics }) =>
        startPaymentWorker({
          sql,
          stripe,
          js: messaging.js,
          log,
          metrics,
          batchSize: config.PAYMENT_WORKER_BATCH,
          breaker: createCircuitBreaker({ threshold: config.PAYMENT_BREAKER_THRESHOLD, cooldownMs: config.PAYMENT_BREAKER_COOLDOWN_MS }),
          onOutboxWritten: () => messaging.relay.wake(),
        }),
    ],
    ...options,
  });
}
