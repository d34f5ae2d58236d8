import type { Hono } from "hono";
import { clientIp, createApp, currentUser, requireUser, type AppEnv } from "@checkout/http";
import { createCartStore } from "../db/queries/carts.ts";
import { createProductCatalog } from "../db/queries/product-cache.ts";
import { createCartPricing } from "./cart-pricing.ts";
import { cartRoutes } from "./cart-routes.ts";
import { catalogRoutes } from "./catalog-routes.ts";
import { checkoutRoutes } from "./checkout-routes.ts";
import type { OrdersDeps } from "./deps.ts";
import { claimLeaseMs, createIdempotencyStore } from "./idempotency.ts";
import { orderRoutes } from "./order-routes.ts";
import { cancelRoute } from "./cancel-route.ts";
import { orderEventsRoute } from "./order-events-route.ts";
import { createStatusFeed } from "./status-feed.ts";
import { createPlaceOrder } from "./place-order.ts";
import { createStockClient } from "./stock-client.ts";
import { rateLimit } from "./rate-limit.ts";
import { admit, createAdmission } from "./admission.ts";
import { countOpenOrders } from "../db/queries/orders.ts";

/**
 * The orders HTTP API: catalog, carts and quotes, checkout, order status. Every /api request counts
 * against its client address; those of a user (carts, checkout, orders) against the user too.
 */
export function createOrdersApp(deps: OrdersDeps): Hono<AppEnv> {
  const { sql, redis, redisPrefix: prefix, log, metrics, now } = deps;
  const app = createApp({ log, metrics, readiness: deps.readiness, auth: { secret: deps.authSecret } });

  // A checkout's token first (an HMAC, no I/O), so that a request that will fail authentication takes
  // no slot and no place in the queue; then the in-flight bound, before any other work (rate limits,
  // body): wait for a slot or be shed.
  const authenticate = requireUser({ secret: deps.authSecret });
  const admission = createAdmission({ limits: deps.admission, countOpenOrders: () => countOpenOrders(sql) });
  app.post("/api/checkout", authenticate, admit({ admission, metrics, maxWaitMs: deps.admission.maxWaitMs }));

  const { perUserPerMinute, perIpPerMinute } = deps.rateLimits;
  app.use(
    "/api/*",
    rateLimit({ redis, prefix, log, name: "ip", what: "from this address", limit: perIpPerMinute, clientOf: (c) => clientIp(c, { trustProxy: deps.trustProxy }) }),
  );
  const perUser = rateLimit({ redis, prefix, log, name: "user", what: "by this user", limit: perUserPerMinute, clientOf: (c) => currentUser(c).id });
  // carts, checkout and orders need a bearer token; the catalog (/api/products) stays public
  app.use("/api/cart/*", authenticate, perUser);
  app.post("/api/checkout", perUser); // authenticated above, before admission
  app.use("/api/orders/*", authenticate, perUser);

  const catalog = createProductCatalog({ sql, redis, prefix });
  const carts = createCartStore({ redis, prefix, ttlSeconds: deps.cartTtlSeconds });
  const pricing = createCartPricing({ sql, carts, catalog, now });
  const idempotency = createIdempotencyStore({ kv: deps.idempotency, now, log, scope: "checkout", abandonAfterMs: claimLeaseMs({ gateWaitMs: deps.skuGate?.maxWaitMs ?? 0, slotWaitMs: deps.admission.maxWaitMs }) });
  const placeOrder = createPlaceOrder({
    sql,
    pricing,
    now,
    publicUrl: deps.publicUrl,
    ...(deps.onOutboxWritten ? { onPlaced: deps.onOutboxWritten } : {}),
    ...(deps.soldOut ? { soldOut: deps.soldOut } : {}),
    gate: deps.skuGate,
  });
  if (deps.skuGate) {
    const gate = deps.skuGate;
    metrics.gauge("orders_checkout_sku_waiting", "Checkouts waiting at the hot-SKU gate for inventory's decisions on earlier orders of their SKUs", () => gate.waiting());
  }

  app.route("/api", catalogRoutes({ catalog, availableStock: createStockClient({ baseUrl: deps.inventoryUrl, log }) }));
  app.route("/api", cartRoutes({ carts, catalog, pricing, now }));
  app.route("/api", checkoutRoutes({ idempotency, placeOrder, carts, metrics, admission }));
  app.route("/api", orderRoutes({ sql }));
  app.route("/api", cancelRoute({ sql }));
  app.route("/api", orderEventsRoute({ sql, feed: createStatusFeed({ sql, log }) }));
  return app;
}
