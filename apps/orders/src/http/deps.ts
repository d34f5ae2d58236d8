import type { Redis } from "ioredis";
import type { KV } from "@nats-io/kv";
import type { Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import type { Metrics, ReadinessCheck } from "@checkout/http";
import type { AdmissionLimits } from "./admission.ts";
import type { SkuGate } from "./sku-gate.ts";

/** What the orders HTTP API needs; service.ts builds it from the parsed config. */
export interface OrdersDeps {
  sql: Sql;
  redis: Redis;
  /** prefixes every Redis key this API writes (carts, catalog cache) */
  redisPrefix: string;
  /** the KV bucket "idempotency" (created by the caller, 24 h max age) */
  idempotency: KV;
  log: Logger;
  metrics: Metrics;
  readiness: Record<string, ReadinessCheck>;
  now: () => Date;
  /** base URL of the inventory service, asked for available stock (GET /api/stock/:sku) */
  inventoryUrl: string;
  /** a cart expires this long after its last change */
  cartTtlSeconds: number;
  /** absolute base URL for Location headers (e.g. https://shop.example); relative when absent */
  publicUrl?: string | undefined;
  /** the HS256 key of the bearer tokens (AUTH_JWT_SECRET) */
  authSecret: string;
  /** requests per minute per user (carts, checkout, orders) and per client address (all of /api); 0: no limit */
  rateLimits: { perUserPerMinute: number; perIpPerMinute: number };
  /** take the client address from X-Forwarded-For (set by our reverse proxy) */
  trustProxy: boolean;
  /** backpressure: when checkout answers 503 instead of taking another order */
  admission: AdmissionLimits;
  /** the SKUs of these known to be sold out right now (checkout refuses their orders at once); none by default */
  soldOut?: (skus: string[]) => string[];
  /** the hot-SKU gate (ADR 0014), fed by inventory's decisions; none: no checkout waits for them */
  skuGate?: SkuGate | undefined;
  /** called after a commit that wrote outbox rows (a new order, a cancellation): wakes this process's relay */
  onOutboxWritten?: () => void;
}
