import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { sign } from "hono/jwt";
import { signToken } from "@checkout/http";
import { TEST_JWT_SECRET } from "@checkout/testing";
import { ADDRESS, fieldsOf, problemOf, startHarness, type Harness } from "./test-harness.ts";

// Bearer tokens on the orders API: who may call it at all, and whose carts and orders they see.

let h: Harness; // alice is h.user
const BOB = `bob-${randomUUID()}`;
let bob: Harness["call"];
let admin: Harness["call"];
beforeAll(async () => {
  h = await startHarness();
  bob = await h.as(BOB);
  admin = await h.as("ops-admin", "admin");
});
afterAll(() => h?.close());

const checkoutBody = (cartId: string) => ({ cartId, email: "ada@example.com", paymentMethod: "pm_card_visa", address: ADDRESS });
const place = async (cartId: string, as = h.call, key = randomUUID()) => {
  const response = await as("POST", "/api/checkout", checkoutBody(cartId), { "Idempotency-Key": key });
  expect(response.status, await response.clone().text()).toBe(202);
  return ((await response.json()) as { orderId: string }).orderId;
};
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const seconds = () => Math.floor(Date.now() / 1000);

const expectUnauthorized = async (response: Response, detail?: RegExp) => {
  expect(response.status).toBe(401);
  expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="checkout"/);
  const problem = await problemOf(response);
  expect(problem).toMatchObject({ status: 401, code: "unauthorized" });
  expect(fieldsOf(problem)).toEqual(["Authorization"]);
  if (detail) expect(problem.detail).toMatch(detail);
};

describe("without a valid bearer token", () => {
  const someId = "00000000-0000-4000-8000-000000000000";
  it.each([
    ["POST", "/api/cart", undefined],
    ["GET", `/api/cart/${someId}`, undefined],
    ["POST", `/api/cart/${someId}/items`, { sku: "MUG-LOGO", qty: 1 }],
    ["POST", `/api/cart/${someId}/quote`, { address: ADDRESS }],
    ["POST", "/api/checkout", checkoutBody(someId)],
    ["GET", `/api/orders/${someId}`, undefined],
    ["POST", `/api/orders/${someId}/cancel`, undefined],
    ["GET", `/api/orders/${someId}/events`, undefined],
  ])("%s %s is 401, naming the Authorization header", async (method, path, body) => {
    const before = await h.counts();
    await expectUnauthorized(await h.call(method, path, body, { authorization: "", "Idempotency-Key": "k-401" }), /Authorization/);
    expect(await h.counts()).toEqual(before);
  });

  it("refuses an expired token", async () => {
    const expired = await signToken({ sub: h.user, ttlSeconds: 60, now: new Date(Date.now() - 2 * 3600_000) }, TEST_JWT_SECRET);
    await expectUnauthorized(await h.call("POST", "/api/cart", undefined, bearer(expired)), /expired/);
  });

  it("refuses a token signed with another secret", async () => {
    const forged = await signToken({ sub: h.user, role: "admin" }, "an-attacker-guessing-the-secret-0123456789");
    await expectUnauthorized(await h.call("POST", "/api/cart", undefined, bearer(forged)), /invalid/);
  });

  it("refuses an unsigned (alg none) token, another algorithm, a tampered payload and missing claims", async () => {
    const claims = { sub: h.user, role: "admin", iat: seconds(), exp: seconds() + 600 };
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64(claims)}.`;
    const hs512 = await sign(claims, TEST_JWT_SECRET, "HS512");
    const [header, , signature] = (await signToken({ sub: h.user }, TEST_JWT_SECRET)).split(".");
    const tampered = `${header}.${b64(claims)}.${signature}`;
    const noExp = await sign({ sub: h.user, role: "shopper", iat: seconds() }, TEST_JWT_SECRET, "HS256");
    const badRole = await sign({ ...claims, role: "root" }, TEST_JWT_SECRET, "HS256");
    for (const token of [none, hs512, tampered, noExp, badRole, "not-a-jwt"]) {
      await expectUnauthorized(await h.call("POST", "/api/cart", undefined, bearer(token)));
    }
  });

  it("refuses another scheme", async () => {
    await expectUnauthorized(await h.call("POST", "/api/cart", undefined, { authorization: "Basic YWxpY2U6c2VjcmV0" }), /Bearer/);
  });

  it("still serves the catalog, which is public", async () => {
    expect((await h.call("GET", "/api/products", undefined, { authorization: "" })).status).toBe(200);
    expect((await h.call("GET", "/api/products/MUG-LOGO", undefined, { authorization: "" })).status).toBe(200);
  });
});

describe("a shopper sees only their own carts (404 for another's: its existence is not revealed)", () => {
  it("bob can neither read, change, quote, delete nor check out alice's cart; it stays as it was", async () => {
    const cartId = await h.cartWith({ "MUG-LOGO": 2 });
    const cartKey = `${h.deps.redisPrefix}cart:${cartId}`;
    await h.redis.pexpire(cartKey, 300_000); // half its TTL: a write would set it back to 600 s
    const before = (await (await h.call("GET", `/api/cart/${cartId}`)).json()) as { expiresAt: string };
    const counts = await h.counts();

    for (const [method, path, body] of [
      ["GET", `/api/cart/${cartId}`, undefined],
      ["POST", `/api/cart/${cartId}/items`, { sku: "CAP-NAVY", qty: 1 }],
      ["POST", `/api/cart/${cartId}/items`, { sku: "NOPE-1", qty: 1 }],
      ["PATCH", `/api/cart/${cartId}/items/MUG-LOGO`, { qty: 9 }],
      ["DELETE", `/api/cart/${cartId}/items/MUG-LOGO`, undefined],
      ["POST", `/api/cart/${cartId}/quote`, { address: ADDRESS }],
      ["DELETE", `/api/cart/${cartId}`, undefined],
    ] as const) {
      const response = await bob(method, path, body);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await problemOf(response)).toMatchObject({ code: "cart_not_found", errors: [{ field: "cartId" }] });
    }
    const checkout = await bob("POST", "/api/checkout", checkoutBody(cartId), { "Idempotency-Key": randomUUID() });
    expect(checkout.status).toBe(404);
    expect(fieldsOf(await problemOf(checkout))).toEqual(["cartId"]);

    expect(await h.counts()).toEqual(counts);
    const after = (await (await h.call("GET", `/api/cart/${cartId}`)).json()) as typeof before;
    expect({ ...after, expiresAt: undefined }).toEqual({ ...before, expiresAt: undefined });
    expect(await h.redis.pttl(cartKey)).toBeLessThanOrEqual(300_000); // bob's writes did not even refresh its expiry
  });

  it("an admin does not get into a shopper's cart either", async () => {
    const cartId = await h.cartWith({ "MUG-LOGO": 1 });
    expect((await admin("GET", `/api/cart/${cartId}`)).status).toBe(404);
  });
});

describe("a shopper sees only their own orders; an admin reads any", () => {
  let orderId: string;
  beforeAll(async () => {
    orderId = await place(await h.cartWith({ "CAP-NAVY": 1 }));
  });

  it("checkout records the user as the order's owner and in OrderPlaced", async () => {
    const [row] = await h.sql`SELECT user_id FROM orders WHERE id = ${orderId}`;
    expect(row).toEqual({ user_id: h.user });
    const [outbox] = await h.sql`SELECT payload FROM outbox WHERE subject = ${`orders.placed.${orderId}`}`;
    expect(JSON.parse(outbox!.payload).data.customer).toEqual({ userId: h.user, email: "ada@example.com" });
  });

  it("bob gets 404 for alice's order: status, stream and cancel; the cancel writes nothing", async () => {
    const counts = await h.counts();
    for (const [method, path] of [
      ["GET", `/api/orders/${orderId}`],
      ["GET", `/api/orders/${orderId}/events`],
      ["POST", `/api/orders/${orderId}/cancel`],
    ] as const) {
      const response = await bob(method, path);
      expect(response.status, `${method} ${path}`).toBe(404);
      expect(await problemOf(response)).toMatchObject({ code: "order_not_found", errors: [{ field: "orderId" }] });
    }
    const [row] = await h.sql`SELECT status, cancel_reason FROM orders WHERE id = ${orderId}`;
    expect(row).toEqual({ status: "PENDING", cancel_reason: null });
    expect(await h.counts()).toEqual(counts);
  });

  it("an admin reads any order and its stream, but only its shopper cancels it", async () => {
    const view = await admin("GET", `/api/orders/${orderId}`);
    expect(view.status).toBe(200);
    expect(await view.json()).toMatchObject({ orderId, status: "PENDING" });

    const stream = await admin("GET", `/api/orders/${orderId}/events`);
    expect(stream.status).toBe(200);
    expect(stream.headers.get("content-type")).toContain("text/event-stream");
    await stream.body?.cancel();

    expect((await admin("POST", `/api/orders/${orderId}/cancel`)).status).toBe(404);
    const [row] = await h.sql`SELECT status FROM orders WHERE id = ${orderId}`;
    expect(row!.status).toBe("PENDING");
  });

  it("alice reads and cancels her own order", async () => {
    expect((await h.call("GET", `/api/orders/${orderId}`)).status).toBe(200);
    const cancelled = await h.call("POST", `/api/orders/${orderId}/cancel`);
    expect(cancelled.status).toBe(202);
    expect(await cancelled.json()).toMatchObject({ orderId, cancelReason: "customer_request" });
  });

  it("an order from before users (no owner) is an admin's to read only", async () => {
    const legacy = await place(await h.cartWith({ "MUG-LOGO": 1 }));
    await h.sql`UPDATE orders SET user_id = NULL WHERE id = ${legacy}`;
    expect((await h.call("GET", `/api/orders/${legacy}`)).status).toBe(404);
    expect((await admin("GET", `/api/orders/${legacy}`)).status).toBe(200);
  });
});

describe("the Idempotency-Key belongs to its user", () => {
  it("alice and bob using the same key place two orders, neither replaying the other's", async () => {
    const key = `shared-${randomUUID()}`;
    const alices = await h.call("POST", "/api/checkout", checkoutBody(await h.cartWith({ "TOTE-CANVAS": 1 })), { "Idempotency-Key": key });
    const bobsCart = await h.cartWith({ "SOCKS-STRIPE": 1 }, bob);
    const bobs = await bob("POST", "/api/checkout", { ...checkoutBody(bobsCart), email: "bob@example.com" }, { "Idempotency-Key": key });
    expect([alices.status, bobs.status]).toEqual([202, 202]);
    expect(bobs.headers.get("idempotent-replayed")).toBeNull();
    const [a, b] = (await Promise.all([alices.json(), bobs.json()])) as Array<{ orderId: string }>;
    expect(a!.orderId).not.toBe(b!.orderId);
    const rows = await h.sql`SELECT id, user_id FROM orders WHERE idempotency_key = ${key}`;
    expect(new Map(rows.map((r) => [r.id, r.user_id]))).toEqual(new Map([[a!.orderId, h.user], [b!.orderId, BOB]]));

    // and each one's replay is their own
    const again = await bob("POST", "/api/checkout", { ...checkoutBody(bobsCart), email: "bob@example.com" }, { "Idempotency-Key": key });
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(((await again.json()) as { orderId: string }).orderId).toBe(b!.orderId);
  });
});

describe("/admin/* on the orders service", () => {
  it("is 401 without a token, 403 for a shopper, and lets an admin through", async () => {
    await expectUnauthorized(await h.call("GET", "/admin/anything", undefined, { authorization: "" }));
    const shopper = await h.call("GET", "/admin/anything");
    expect(shopper.status).toBe(403);
    expect(await problemOf(shopper)).toMatchObject({ code: "forbidden", errors: [{ field: "Authorization" }] });
    expect((await admin("GET", "/admin/anything")).status).toBe(404); // past the guard; no such route
  });
});

describe("the body size limit", () => {
  it("answers an oversize body with 413 problem+json naming the body, writing nothing", async () => {
    const counts = await h.counts();
    const cartId = await h.cartWith({ "MUG-LOGO": 1 });
    const huge = await h.call("POST", "/api/checkout", { ...checkoutBody(cartId), pad: "x".repeat(65 * 1024) }, { "Idempotency-Key": randomUUID() });
    expect(huge.status).toBe(413);
    expect(await problemOf(huge)).toMatchObject({ status: 413, code: "payload_too_large", errors: [{ field: "body" }] });
    expect(await h.counts()).toEqual(counts);
  });
});
