import { Redis } from "ioredis";
import { Buckets } from "@checkout/contracts";
import { MESSAGING_MIGRATIONS, runService, type AnyEvent, type RunningService } from "@checkout/messaging";
import type { Logger } from "@checkout/log";
import type { OrdersConfig } from "./config.ts";
import { orderHandlers } from "./handlers/index.ts";
import { createOrdersApp } from "./http/app.ts";
import { seedCatalog } from "./seed/catalog.ts";
import { startSoldOutHint } from "./sold-out-watch.ts";
import { createStockClient } from "./http/stock-client.ts";

export const ORDERS_MIGRATIONS = new URL("./db/migrations", import.meta.url).pathname;

export async function startOrders(config: OrdersConfig, options: { log?: Logger; beforeAck?: (event: AnyEvent) => boolean; ackWaitMs?: number } = {}): Promise<RunningService> {
  // commands issued in the same turn of the event loop (many requests at once) share one write
  const redis = new Redis(config.REDIS_URL, { maxRetriesPerRequest: 2, enableOfflineQueue: true, lazyConnect: false, enableAutoPipelining: true });
  let hint: ReturnType<typeof startSoldOutHint> | undefined;
  try {
    const service = await runService({
      name: "orders",
      config,
      migrations: [MESSAGING_MIGRATIONS, ORDERS_MIGRATIONS],
      ...(config.SEED_CATALOG ? { seed: seedCatalog } : {}),
      buckets: [{ name: Buckets.idempotency, ttlMs: config.IDEMPOTENCY_TTL_MS }],
      handlers: orderHandlers,
      app: ({ sql, log, metrics, messaging, readiness }) => {
        // an aged hint is checked with inventory's stock API before it is let go (domain/sold-out.ts)
        const recheck = createStockClient({ baseUrl: config.INVENTORY_URL, log, notFound: null });
        hint = startSoldOutHint({
          nc: messaging.nc,
          ttlMs: config.CHECKOUT_SOLD_OUT_HINT_MS,
          recheck,
          log,
          gate: { maxPerSku: config.CHECKOUT_MAX_UNDECIDED_PER_SKU, maxWaiting: config.CHECKOUT_MAX_WAITING, maxWaitMs: config.CHECKOUT_MAX_WAIT_MS },
        });
        return createOrdersApp({
          sql,
          redis,
          redisPrefix: config.REDIS_PREFIX,
          idempotency: messaging.buckets[Buckets.idempotency]!,
          log,
          metrics,
          readiness: { ...readiness, redis: async () => void (await redis.ping()) },
          now: () => new Date(),
          inventoryUrl: config.INVENTORY_URL,
          cartTtlSeconds: config.CART_TTL_SECONDS,
          publicUrl: config.PUBLIC_URL,
          authSecret: config.AUTH_JWT_SECRET,
          rateLimits: { perUserPerMinute: config.RATE_LIMIT_PER_USER_PER_MINUTE, perIpPerMinute: config.RATE_LIMIT_PER_IP_PER_MINUTE },
          trustProxy: config.TRUST_PROXY,
          admission: {
            maxInFlight: config.CHECKOUT_MAX_IN_FLIGHT,
            maxWaiting: config.CHECKOUT_MAX_WAITING,
            maxWaitMs: config.CHECKOUT_MAX_WAIT_MS,
            maxOpenOrders: config.CHECKOUT_MAX_OPEN_ORDERS,
          },
          soldOut: hint.soldOut,
          skuGate: hint.gate,
          onOutboxWritten: () => messaging.relay.wake(),
        });
      },
      ...options,
    });
    return {
      ...service,
      async stop() {
        // after the HTTP drain: a checkout still waiting at the hot-SKU gate goes on with the decisions heard
        await service.stop();
        hint?.stop();
        redis.disconnect();
      },
    };
  } catch (error) {
    hint?.stop();
    redis.disconnect();
    throw error;
  }
}
