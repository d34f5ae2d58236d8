// Assembles the simulator: /v1 (Stripe-compatible) behind request counting, fault injection, auth,
// param decoding, idempotency and simulated latency; /_sim for control and inspection.
import { Hono } from "hono";
import { requireApiKey } from "./auth.ts";
import { controlRoutes } from "./control.ts";
import { StripeError, apiError, invalidRequest } from "./errors.ts";
import { injectFaults } from "./faults.ts";
import { errorResponse } from "./http.ts";
import type { SimEnv } from "./http.ts";
import { idempotency } from "./idempotency-middleware.ts";
import { createIdempotencyStore } from "./idempotency.ts";
import { simulateLatency } from "./latency.ts";
import { paymentIntentRoutes } from "./payment-intents.ts";
import { createRandom } from "./random.ts";
import { readParams } from "./read-params.ts";
import { refundRoutes } from "./refunds.ts";
import { SimConfigError, createConfigState, defaultSimConfig, mergeSimConfig } from "./sim-config.ts";
import type { SimConfig } from "./sim-config.ts";
import { createStore } from "./store.ts";
import type { SimStore } from "./store.ts";

export interface StripeSimOptions extends Partial<SimConfig> {
  /** Makes ids, fault rolls and jitter reproducible. Default: Math.random. */
  seed?: number;
  /** How long idempotency keys are remembered. Default 24 h. */
  idempotencyTtlMs?: number;
  /** Clock in epoch milliseconds. Default Date.now. */
  now?: () => number;
}

export interface StripeSim {
  app: Hono<SimEnv>;
  store: SimStore;
  getConfig(): SimConfig;
  /** Validates and merges a partial config; resets the maxFaults budget. Throws SimConfigError. */
  setConfig(patch: Partial<SimConfig>): SimConfig;
  /** Clears intents, refunds, idempotency keys and counters; restores the start-up config unless keepConfig. */
  reset(options?: { keepConfig?: boolean }): void;
}

export function createStripeSim(options: StripeSimOptions = {}): StripeSim {
  const { seed, idempotencyTtlMs = 24 * 60 * 60 * 1000, now = Date.now, ...configPatch } = options;
  const random = createRandom(seed);
  const config = createConfigState(mergeSimConfig(defaultSimConfig, configPatch));
  const store = createStore({ random, now });
  const keys = createIdempotencyStore({ ttlMs: idempotencyTtlMs, now });

  function reset({ keepConfig = false }: { keepConfig?: boolean } = {}): void {
    store.reset();
    keys.clear();
    if (!keepConfig) config.restore();
  }

  const app = new Hono<SimEnv>();
  app.use("/v1/*", async function countRequest(c, next) {
    store.counters.requests++;
    c.header("Request-Id", `req_${store.token(14)}`);
    const version = c.req.header("Stripe-Version");
    if (version) c.header("Stripe-Version", version);
    await next();
  });
  app.use("/v1/*", injectFaults({ config, random, counters: store.counters }));
  app.use("/v1/*", requireApiKey());
  app.use("/v1/*", readParams());
  app.use("/v1/*", idempotency({ store: keys, counters: store.counters }));
  app.use("/v1/*", simulateLatency({ config, random }));
  app.route("/v1/payment_intents", paymentIntentRoutes({ store }));
  app.route("/v1/refunds", refundRoutes({ store }));
  app.route("/_sim", controlRoutes({ store, config, reset }));

  app.notFound((c) =>
    errorResponse(c, invalidRequest(`Unrecognized request URL (${c.req.method}: ${c.req.path}).`, { code: "url_invalid", statusCode: 404 })),
  );
  app.onError((error, c) => {
    if (error instanceof StripeError) return errorResponse(c, error);
    if (error instanceof SimConfigError) {
      return c.json({ error: { type: "invalid_request_error", code: error.code, param: error.field, message: error.message } }, 400);
    }
    return errorResponse(c, apiError(`Internal simulator error: ${error.message}`));
  });

  return { app, store, getConfig: config.get, setConfig: config.set, reset };
}
