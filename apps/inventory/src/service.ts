import { Buckets } from "@checkout/contracts";
import { MESSAGING_MIGRATIONS, runService, type AnyEvent, type RunningService } from "@checkout/messaging";
import type { Logger } from "@checkout/log";
import type { InventoryConfig } from "./config.ts";
import { inventoryHandlers } from "./handlers/index.ts";
import { stockRoutes } from "./http/app.ts";
import { startExpirySweeper } from "./worker/expiry-sweeper.ts";

export const INVENTORY_MIGRATIONS = new URL("./db/migrations", import.meta.url).pathname;

export function startInventory(config: InventoryConfig, options: { log?: Logger; beforeAck?: (event: AnyEvent) => boolean; ackWaitMs?: number } = {}): Promise<RunningService> {
  return runService({
    name: "inventory",
    config,
    migrations: [MESSAGING_MIGRATIONS, INVENTORY_MIGRATIONS],
    buckets: [{ name: Buckets.reservations, ttlMs: config.HOLDS_MAX_AGE_MS }],
    handlers: (buckets) => inventoryHandlers({ reservationTtlMs: config.RESERVATION_TTL_MS, holds: buckets[Buckets.reservations]! }),
    routes: ({ sql }) => stockRoutes({ sql, authSecret: config.AUTH_JWT_SECRET }),
    workers: [
      ({ sql, log, metrics }) => {
        const expired = metrics.counter("reservations_expired_total", "holds released at their deadline");
        return startExpirySweeper({ sql, log, graceMs: config.RESERVATION_GRACE_MS, pollMs: config.EXPIRY_POLL_MS, onReleased: (n) => expired.inc(n) });
      },
    ],
    ...options,
  });
}
