import { describe, expect, it } from "vitest";
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import { Redis } from "ioredis";
import postgres from "postgres";
import { createMetrics, settleRouter } from "@checkout/http";
import { createLogger } from "@checkout/log";
import { mountDeadLetterRoutes } from "@checkout/messaging";
import { createOrdersApp } from "./app.ts";

// hono falls back from its RegExpRouter to its slower TrieRouter, for the whole app, if a single route
// is one the RegExpRouter refuses (libs/http router.ts). runService warns at start-up when that
// happens; this test names the router the orders app (the services' largest) ends up with. Nothing
// here connects: postgres.js and ioredis (lazyConnect) open no connection until a query, and no route
// that would use one is requested.
describe("the orders app's router", () => {
  it("is hono's RegExpRouter, with every route the service mounts (runService adds /admin/dlq)", async () => {
    const sql = postgres({ max: 1 });
    const redis = new Redis({ lazyConnect: true });
    const log = createLogger({ service: "router-test", level: "silent" });
    const app = createOrdersApp({
      sql,
      redis,
      redisPrefix: "router-test:",
      idempotency: {} as KV,
      log,
      metrics: createMetrics("router-test"),
      readiness: {},
      now: () => new Date(),
      inventoryUrl: "http://127.0.0.1:1",
      cartTtlSeconds: 60,
      authSecret: "router-test-secret-of-32-characters!",
      rateLimits: { perUserPerMinute: 10, perIpPerMinute: 10 },
      trustProxy: false,
      admission: { maxInFlight: 1, maxWaiting: 1, maxWaitMs: 1_000, maxOpenOrders: 0 },
    });
    mountDeadLetterRoutes(app, { nc: {} as NatsConnection, consumers: ["orders"] });

    expect(settleRouter(app)).toBe("SmartRouter + RegExpRouter"); // as runService does before it listens
    expect((await app.request("/healthz")).status).toBe(200);
    redis.disconnect();
    await sql.end();
  });
});
