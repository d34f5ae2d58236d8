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
    ...options,
  });
}
