import { MESSAGING_MIGRATIONS, runService, type AnyEvent, type RunningService } from "@checkout/messaging";
import type { Logger } from "@checkout/log";
import type { ShippingConfig } from "./config.ts";
import { createSimulatedCarrier } from "./carrier/simulated-carrier.ts";
import { shippingHandlers } from "./handlers/index.ts";
import { shipmentRoutes } from "./http/app.ts";

export const SHIPPING_MIGRATIONS = new URL("./db/migrations", import.meta.url).pathname;

export function startShipping(config: ShippingConfig, options: { log?: Logger; beforeAck?: (event: AnyEvent) => boolean; ackWaitMs?: number } = {}): Promise<RunningService> {
  const carrier = createSimulatedCarrier({
    unservedCountries: config.CARRIER_UNSERVED_COUNTRIES,
    failureRate: config.CARRIER_FAILURE_RATE,
    latencyMs: config.CARRIER_LATENCY_MS,
  });
  return runService({
    name: "shipping",
    config,
    migrations: [MESSAGING_MIGRATIONS, SHIPPING_MIGRATIONS],
    handlers: shippingHandlers({ carrier }),
    routes: ({ sql }) => shipmentRoutes({ sql }),
    // The carrier is called inside the handler's transaction, and a batch would wait for each call in
    // turn: with a carrier that takes time, one message per transaction and many transactions at once.
    ...(config.CARRIER_LATENCY_MS > 0 ? { consumers: { concurrency: Math.max(config.CONSUMER_CONCURRENCY, 32), batchSize: 1 } } : {}),
    ...options,
  });
}
