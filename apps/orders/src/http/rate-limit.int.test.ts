import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { Hono } from "hono";
import { createApp, listen, type AppEnv, type RunningServer } from "@checkout/http";
import { authHeaders, TEST_JWT_SECRET } from "@checkout/testing";
import { createOrdersApp } from "./app.ts";
import { rateLimit } from "./rate-limit.ts";
import { problemOf, startHarness, type Harness } from "./test-harness.ts";
import type { OrdersDeps } from "./deps.ts";

// Rate limits in Redis: per user on carts, checkout and orders; per client address on all of /api.

let h: Harness;
const servers: RunningServer[] = [];
beforeAll(async () => {
  h = await startHarness(); // its own app has no limits
});
afterAll(async () => {
  for (const server of servers) await server.close();
  await h?.close();
});

let apps = 0;
/** the orders app with these limits, counting in Redis keys of its own */
const limitedApp = (rateLimits: OrdersDeps["rateLimits"], trustProxy = false) =>
  createOrdersApp({ ...h.deps, redisPrefix: `${h.deps.redisPrefix}limited${++apps}:`, rateLimits, trustProxy });
const unknownOrder = () => `/api/orders/${randomUUID()}`;

const expectLimited = async (response: Response, limit: number) => {
  expect(response.status).toBe(429);
  const retryAfter = Number(response.headers.get("retry-after"));
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(60);
  expect(response.headers.get("ratelimit-limit")).toBe(String(limit));
  expect(response.headers.get("ratelimit-remaining")).toBe("0");
  expect(Number(response.headers.get("ratelimit-reset"))).toBe(retryAfter);
  expect(await problemOf(response)).toMatchObject({ status: 429, code: "rate_limited" });
};

describe("per user", () => {
  it("lets N requests a minute through, refuses the N+1th with 429 and Retry-After; another user is not affected", async () => {
    const app = limitedApp({ perUserPerMinute: 3, perIpPerMinute: 0 });
    const alice = await authHeaders(`alice-${randomUUID()}`);
    const remaining: Array<string | null> = [];
    for (let i = 0; i < 3; i++) {
      const response = await app.request(unknownOrder(), { headers: alice });
      expect(response.status).toBe(404);
      expect(response.headers.get("ratelimit-limit")).toBe("3");
      remaining.push(response.headers.get("ratelimit-remaining"));
    }
    expect(remaining).toEqual(["2", "1", "0"]);
    await expectLimited(await app.request(unknownOrder(), { headers: alice }), 3);
    await expectLimited(await app.request("/api/cart", { method: "POST", headers: alice }), 3);

    const bob = await authHeaders(`bob-${randomUUID()}`);
    expect((await app.request(unknownOrder(), { headers: bob })).status).toBe(404);
  });

  it("counts a user across addresses", async () => {
    const app = limitedApp({ perUserPerMinute: 2, perIpPerMinute: 0 }, true);
    const carol = await authHeaders(`carol-${randomUUID()}`);
    for (const ip of ["198.51.100.1", "198.51.100.2"]) {
      expect((await app.request(unknownOrder(), { headers: { ...carol, "x-forwarded-for": ip } })).status).toBe(404);
    }
    await expectLimited(await app.request(unknownOrder(), { headers: { ...carol, "x-forwarded-for": "198.51.100.3" } }), 2);
  });

  it("does not count or answer RateLimit headers when the limit is 0", async () => {
    const response = await h.call("GET", unknownOrder());
    expect(response.status).toBe(404);
    expect(response.headers.get("ratelimit-limit")).toBeNull();
    expect(await h.redis.keys(`${h.deps.redisPrefix}ratelimit:*`)).toEqual([]);
  });
});

describe("per client address", () => {
  it("counts the socket's address across users and the public catalog; X-Forwarded-For is ignored without TRUST_PROXY", async () => {
    const server = await listen(limitedApp({ perUserPerMinute: 0, perIpPerMinute: 3 }));
    servers.push(server);
    const from = async (path: string, user: string, forwardedFor: string) =>
      fetch(`${server.url}${path}`, { headers: { ...(await authHeaders(user)), "x-forwarded-for": forwardedFor } });

    expect((await from(unknownOrder(), "dave", "203.0.113.1")).status).toBe(404);
    expect((await from(unknownOrder(), "erin", "203.0.113.2")).status).toBe(404);
    expect((await from("/api/products/MUG-LOGO", "frank", "203.0.113.3")).status).toBe(200);
    await expectLimited(await from(unknownOrder(), "grace", "203.0.113.4"), 3);
    await expectLimited(await from("/api/products", "heidi", "203.0.113.5"), 3);
    // the health check is not under /api
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200);
    // counted under the socket's address (getConnInfo), not a claimed one
    const counters = (await h.redis.keys(`${h.deps.redisPrefix}limited*:ratelimit:ip:*`)).map((key) => key.split(":ratelimit:ip:")[1]);
    expect(counters).toContain("127.0.0.1");
    expect(counters.filter((ip) => ip!.startsWith("203.0.113."))).toEqual([]);
  });

  it("takes the address our proxy saw (the last X-Forwarded-For entry) with TRUST_PROXY", async () => {
    const app = limitedApp({ perUserPerMinute: 0, perIpPerMinute: 2 }, true);
    const headers = { ...(await authHeaders("ivan")) };
    const via = (forwardedFor: string) => app.request(unknownOrder(), { headers: { ...headers, "x-forwarded-for": forwardedFor } });
    expect((await via("198.51.100.7")).status).toBe(404);
    // a client cannot escape by claiming another address in front of the one the proxy appends
    expect((await via("10.0.0.1, 198.51.100.7")).status).toBe(404);
    await expectLimited(await via("10.0.0.2, 198.51.100.7"), 2);
    expect((await via("198.51.100.8")).status).toBe(404);
  });
});

describe("the window", () => {
  it("starts again once it has passed", async () => {
    const app = createApp({ log: h.deps.log, metrics: h.deps.metrics, auth: { secret: TEST_JWT_SECRET } });
    app.use(
      "/api/*",
      rateLimit({ redis: h.redis, prefix: `${h.deps.redisPrefix}window:`, name: "ip", what: "from here", limit: 2, windowSeconds: 1, clientOf: () => "one-client", log: h.deps.log }),
    );
    app.route("/", new Hono<AppEnv>().get("/api/ping", (c) => c.text("pong")));
    expect((await app.request("/api/ping")).status).toBe(200);
    expect((await app.request("/api/ping")).status).toBe(200);
    await expectLimited(await app.request("/api/ping"), 2);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    expect((await app.request("/api/ping")).status).toBe(200);
  });

  it("is one counter for parallel requests: exactly N of 20 get through", async () => {
    const app = limitedApp({ perUserPerMinute: 5, perIpPerMinute: 0 });
    const judy = await authHeaders(`judy-${randomUUID()}`);
    const statuses = await Promise.all(Array.from({ length: 20 }, () => (async () => (await app.request(unknownOrder(), { headers: judy })).status)()));
    expect(statuses.filter((s) => s === 404)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(15);
  });
});
