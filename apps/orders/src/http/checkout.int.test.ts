import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CheckoutAccepted, CheckoutRequest, OrderPlaced } from "@checkout/contracts";
import { ADDRESS, fieldsOf, problemOf, startHarness, type Harness } from "./test-harness.ts";
import { idempotencyKvKey, requestHashOf } from "./request-hash.ts";
import { listen, type RunningServer } from "@checkout/http";
import { waitFor } from "@checkout/testing";

let h: Harness;
beforeAll(async () => {
  h = await startHarness();
});
afterAll(() => h?.close());

let keys = 0;
const newKey = () => `key-${process.pid}-${Date.now()}-${++keys}`;
const checkoutBody = (cartId: string, over: Record<string, unknown> = {}) => ({
  cartId,
  email: "ada@example.com",
  paymentMethod: "pm_card_visa",
  address: ADDRESS,
  ...over,
});
const checkout = (body: unknown, key: string | undefined, headers: Record<string, string> = {}) =>
  h.call("POST", "/api/checkout", body, { ...(key === undefined ? {} : { "Idempotency-Key": key }), ...headers });
const kvRecord = async (key: string) => {
  const entry = await h.kv.get(idempotencyKvKey("checkout", h.user, key));
  return entry && entry.operation === "PUT" ? entry.json<{ state: string; requestHash: string }>() : null;
};
const ordersWithKeyOf = async (harness: Harness, key: string) => (await harness.sql`SELECT id, status FROM orders WHERE idempotency_key = ${key}`).length;
const ordersWithKey = (key: string) => ordersWithKeyOf(h, key);

/** Locks the orders table in a transaction of its own until the returned function is called. */
async function lockOrders(harness: Harness): Promise<() => Promise<void>> {
  let release!: () => void;
  const held = new Promise<void>((resolve) => (release = resolve));
  let locked!: () => void;
  const isLocked = new Promise<void>((resolve) => (locked = resolve));
  const lock = harness.sql.begin(async (tx) => {
    await tx`LOCK TABLE orders IN EXCLUSIVE MODE`;
    locked();
    await held;
  });
  await isLocked;
  return async () => {
    release();
    await lock;
  };
}

describe("POST /api/checkout", () => {
  it("accepts the order: 202, a PENDING order, one OrderPlaced in the outbox, a timeline entry, the cart gone", async () => {
    const cartId = await h.cartWith({ "TSHIRT-RED-M": 2, "MUG-LOGO": 1 });
    const quoted = await (await h.call("POST", `/api/cart/${cartId}/quote`, { address: ADDRESS, promoCode: "WELCOME10" })).json();
    const parentTrace = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
    const key = newKey();

    const response = await checkout(checkoutBody(cartId, { promoCode: "WELCOME10" }), key, { traceparent: parentTrace });
    expect(response.status).toBe(202);
    const accepted = CheckoutAccepted.parse(await response.json());
    const { orderId } = accepted;
    expect(accepted).toEqual({ orderId, status: "PENDING", total: { amount: 6_111, currency: "USD" }, statusUrl: `/api/orders/${orderId}` });
    expect(response.headers.get("location")).toBe(`/api/orders/${orderId}`);
    expect(response.headers.get("idempotent-replayed")).toBeNull();

    const [order] = await h.sql`SELECT status, user_id, idempotency_key, request_hash, customer_email, pricing, lines FROM orders WHERE id = ${orderId}`;
    expect(order).toMatchObject({ status: "PENDING", user_id: h.user, idempotency_key: key, customer_email: "ada@example.com", pricing: quoted });
    expect(order!.request_hash).toMatch(/^[0-9a-f]{64}$/);

    const outbox = await h.sql`SELECT event_id, subject, payload, traceparent FROM outbox WHERE subject LIKE ${`%.${orderId}`}`;
    expect(outbox).toHaveLength(1);
    expect(outbox[0]!.subject).toBe(`orders.placed.${orderId}`);
    const event = OrderPlaced.parse(JSON.parse(outbox[0]!.payload));
    expect(event.id).toBe(outbox[0]!.event_id);
    expect(event.data).toMatchObject({
      orderId,
      customer: { userId: h.user, email: "ada@example.com" },
      paymentMethod: "pm_card_visa",
      shippingAddress: ADDRESS,
      pricing: quoted,
      lines: [
        { sku: "MUG-LOGO", name: "Logo Mug, 11 oz", qty: 1, unitPrice: 1_400, lineTotal: 1_400 },
        { sku: "TSHIRT-RED-M", name: "Classic Tee, Red, M", qty: 2, unitPrice: 2_000, lineTotal: 4_000 },
      ],
    });
    // a child span of the caller's trace
    expect(outbox[0]!.traceparent).toMatch(/^00-0af7651916cd43dd8448eb211c80319c-[0-9a-f]{16}-01$/);
    expect(outbox[0]!.traceparent).not.toBe(parentTrace);

    const timeline = await h.sql`SELECT event_id, type, source, detail FROM order_timeline WHERE order_id = ${orderId}`;
    expect(timeline).toEqual([{ event_id: event.id, type: "OrderPlaced", source: "orders", detail: { total: { amount: 6_111, currency: "USD" } } }]);

    expect((await h.call("GET", `/api/cart/${cartId}`)).status).toBe(404);
    expect(await kvRecord(key)).toMatchObject({ state: "done" });
  });

  it("replays the same response for the same key and body, placing one order", async () => {
    const cartId = await h.cartWith({ "CAP-NAVY": 1 });
    const key = newKey();
    const first = await checkout(checkoutBody(cartId), key);
    expect(first.status).toBe(202);
    const firstBody = await first.text();

    for (let i = 0; i < 2; i++) {
      const again = await checkout(checkoutBody(cartId), key);
      expect(again.status).toBe(202);
      expect(await again.text()).toBe(firstBody);
      expect(again.headers.get("idempotent-replayed")).toBe("true");
      expect(again.headers.get("location")).toBe(first.headers.get("location"));
    }
    expect(await ordersWithKey(key)).toBe(1);
  });

  it("refuses the same key with another body (422 idempotency_key_reused), writing nothing", async () => {
    const cartId = await h.cartWith({ "CAP-NAVY": 1 });
    const key = newKey();
    expect((await checkout(checkoutBody(cartId), key)).status).toBe(202);
    const before = await h.counts();

    const other = await checkout(checkoutBody(cartId, { email: "mallory@example.com" }), key);
    expect(other.status).toBe(422);
    expect(await problemOf(other)).toMatchObject({ code: "idempotency_key_reused", errors: [{ field: "Idempotency-Key" }] });
    expect(await h.counts()).toEqual(before);
  });

  it("places exactly one order for 10 parallel duplicates; the others get 409 or the replay", async () => {
    const cartId = await h.cartWith({ "BOTTLE-STEEL": 1, "SOCKS-STRIPE": 2 });
    const key = newKey();
    const before = await h.counts();
    const responses = await Promise.all(Array.from({ length: 10 }, () => checkout(checkoutBody(cartId), key)));

    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 202 || s === 409), statuses.join()).toBe(true);
    expect(statuses.filter((s) => s === 202).length).toBeGreaterThanOrEqual(1);
    const orderIds = new Set<string>();
    for (const response of responses) {
      if (response.status === 202) orderIds.add(((await response.json()) as { orderId: string }).orderId);
      else {
        expect(response.headers.get("retry-after")).toBe("1");
        expect(await problemOf(response)).toMatchObject({ code: "idempotency_in_progress", errors: [{ field: "Idempotency-Key" }] });
      }
    }
    expect(orderIds.size).toBe(1);
    expect(await h.counts()).toEqual({ orders: before.orders + 1, outbox: before.outbox + 1 });
  });

  it("turns one cart into at most one order, even when checkouts with different keys race", async () => {
    const cartId = await h.cartWith({ "TOTE-CANVAS": 1 });
    const before = await h.counts();
    const responses = await Promise.all(Array.from({ length: 6 }, () => checkout(checkoutBody(cartId), newKey())));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(1);
    for (const response of responses.filter((r) => r.status !== 202)) {
      expect([404, 409]).toContain(response.status);
      expect(fieldsOf(await problemOf(response))).toEqual(["cartId"]);
    }
    expect(await h.counts()).toEqual({ orders: before.orders + 1, outbox: before.outbox + 1 });
  });

  it("stores a refusal of a valid request and replays it too", async () => {
    const key = newKey();
    const body = checkoutBody("00000000-0000-4000-8000-000000000000");
    const first = await checkout(body, key);
    expect(first.status).toBe(404);
    expect(fieldsOf(await problemOf(first))).toEqual(["cartId"]);
    const again = await checkout(body, key);
    expect(again.status).toBe(404);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(fieldsOf(await problemOf(again))).toEqual(["cartId"]);
  });

  it("releases the claim after a failure on our side, so that a retry places the order", async () => {
    const cartId = await h.cartWith({ "MUG-TRAVEL": 1 });
    const key = newKey();
    await h.sql`ALTER TABLE orders ADD CONSTRAINT test_refuse_all CHECK (false) NOT VALID`;
    try {
      const failed = await checkout(checkoutBody(cartId), key);
      expect(failed.status).toBe(500);
      expect(await kvRecord(key)).toBeNull();
    } finally {
      await h.sql`ALTER TABLE orders DROP CONSTRAINT test_refuse_all`;
    }
    expect(await ordersWithKey(key)).toBe(0);
    const retried = await checkout(checkoutBody(cartId), key);
    expect(retried.status).toBe(202);
    expect(await ordersWithKey(key)).toBe(1);
  });
});

describe("claims left by a crashed process", () => {
  const staleClaimOn = async (harness: Harness, key: string, body: unknown, ageMs: number) => {
    const record = { state: "in_progress", requestHash: requestHashOf(CheckoutRequest.parse(body)), startedAt: new Date(Date.now() - ageMs).toISOString() };
    await harness.kv.put(idempotencyKvKey("checkout", harness.user, key), JSON.stringify(record));
  };
  const staleClaim = (key: string, body: unknown, ageMs: number) => staleClaimOn(h, key, body, ageMs);

  it("409s while a claim is fresh and takes over one older than 30 s", async () => {
    const cartId = await h.cartWith({ "TOTE-CANVAS": 1 });
    const key = newKey();
    const body = checkoutBody(cartId);

    await staleClaim(key, body, 5_000);
    const busy = await checkout(body, key);
    expect(busy.status).toBe(409);
    expect(busy.headers.get("retry-after")).toBe("1");
    expect(await ordersWithKey(key)).toBe(0);

    await staleClaim(key, body, 31_000);
    const taken = await checkout(body, key);
    expect(taken.status).toBe(202);
    expect(await ordersWithKey(key)).toBe(1);
    expect(await kvRecord(key)).toMatchObject({ state: "done" });
  });

  it("counts a claim in progress for the gate's wait, the slot's wait and 10 s more when that is longer than 30 s: a live checkout may wait that long after its claim", async () => {
    const long = await startHarness({ admission: { maxInFlight: 8, maxWaiting: 8, maxWaitMs: 20_000, maxOpenOrders: 0 }, skuGate: { maxPerSku: 128, maxWaiting: 8, maxWaitMs: 15_000 } });
    try {
      const cartId = await long.cartWith({ "TOTE-CANVAS": 1 });
      const key = newKey();
      const body = checkoutBody(cartId);
      const send = () => long.call("POST", "/api/checkout", body, { "Idempotency-Key": key });

      await staleClaimOn(long, key, body, 43_000); // abandoned after 30 s, but a checkout may still hold it (15 + 20 + 10 s)
      expect((await send()).status).toBe(409);
      expect(await ordersWithKeyOf(long, key)).toBe(0);

      await staleClaimOn(long, key, body, 46_000);
      expect((await send()).status).toBe(202);
      expect(await ordersWithKeyOf(long, key)).toBe(1);
    } finally {
      await long.close();
    }
  });

  it("answers with the order already in PostgreSQL when the KV record was lost (crash before it was stored)", async () => {
    const cartId = await h.cartWith({ "HOODIE-GRY-M": 1, "CAP-NAVY": 1 });
    const key = newKey();
    const body = checkoutBody(cartId);
    const first = await checkout(body, key);
    expect(first.status).toBe(202);
    const { orderId } = (await first.json()) as { orderId: string };

    // the crash: the order committed, the KV record still says in_progress (and is now stale)
    await staleClaim(key, body, 60_000);
    const retry = await checkout(body, key);
    expect(retry.status).toBe(202);
    expect(((await retry.json()) as { orderId: string }).orderId).toBe(orderId);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");

    // the KV record gone altogether (purged): same answer; another body is still refused
    await h.kv.purge(idempotencyKvKey("checkout", h.user, key));
    expect(((await (await checkout(body, key)).json()) as { orderId: string }).orderId).toBe(orderId);
    await h.kv.purge(idempotencyKvKey("checkout", h.user, key));
    const reused = await checkout(checkoutBody(cartId, { email: "eve@example.com" }), key);
    expect(reused.status).toBe(422);
    expect((await problemOf(reused)).code).toBe("idempotency_key_reused");
    expect(await ordersWithKey(key)).toBe(1);
    // the refusal was not stored: the original body still gets its order
    expect(((await (await checkout(body, key)).json()) as { orderId: string }).orderId).toBe(orderId);
  });
});

describe("backpressure", () => {
  let busy: Harness;
  beforeAll(async () => {
    busy = await startHarness({ admission: { maxInFlight: 0, maxWaiting: 0, maxWaitMs: 0, maxOpenOrders: 2 } });
  });
  afterAll(() => busy?.close());

  it("answers 503 problem+json with Retry-After while too many orders are open, writes nothing, and takes the same key once the backlog drains", async () => {
    const place = async (cartId: string, key: string) =>
      busy.call("POST", "/api/checkout", checkoutBody(cartId), { "Idempotency-Key": key });
    for (const key of [newKey(), newKey()]) expect((await place(await busy.cartWith({ "TSHIRT-RED-M": 1 }), key)).status).toBe(202);

    const cartId = await busy.cartWith({ "MUG-LOGO": 1 });
    const key = newKey();
    const before = await busy.counts();
    await new Promise((resolve) => setTimeout(resolve, 600)); // past the admission's cached count
    const shed = await place(cartId, key);
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("2");
    expect(await problemOf(shed)).toMatchObject({ status: 503, code: "overloaded", reason: "backlog" });
    expect(await busy.counts()).toEqual(before);
    expect((await busy.call("GET", `/api/cart/${cartId}`)).status).toBe(200);

    await busy.sql`UPDATE orders SET status = 'CANCELLED', cancel_reason = 'customer_request' WHERE id = (SELECT id FROM orders LIMIT 1)`;
    await new Promise((resolve) => setTimeout(resolve, 600));
    const accepted = await place(cartId, key);
    expect(accepted.status).toBe(202);
    expect((await busy.counts()).orders).toBe(before.orders + 1);
  });
});

describe("backpressure in flight", () => {
  let one: Harness;
  beforeAll(async () => {
    one = await startHarness({ admission: { maxInFlight: 1, maxWaiting: 0, maxWaitMs: 0, maxOpenOrders: 0 } });
  });
  afterAll(() => one?.close());

  it("without a queue, answers 503 with Retry-After: 1 to a checkout beyond the in-flight bound, before reading its body, and takes checkouts again once the slot is free", async () => {
    const cartId = await one.cartWith({ "MUG-LOGO": 1 });
    const unlock = await lockOrders(one); // the first checkout waits on its insert
    const first = one.call("POST", "/api/checkout", checkoutBody(cartId), { "Idempotency-Key": newKey() });
    await new Promise((resolve) => setTimeout(resolve, 300));

    const shed = await one.call("POST", "/api/checkout", "not even JSON");
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("1");
    expect(await problemOf(shed)).toMatchObject({ status: 503, code: "overloaded", reason: "queue_full" });

    await unlock();
    expect((await first).status).toBe(202);
    const next = await one.call("POST", "/api/checkout", checkoutBody(await one.cartWith({ "MUG-LOGO": 1 })), { "Idempotency-Key": newKey() });
    expect(next.status).toBe(202);
  });
});

describe("backpressure: the queue for a slot", () => {
  let queued: Harness;
  let server: RunningServer;
  beforeAll(async () => {
    queued = await startHarness({ admission: { maxInFlight: 1, maxWaiting: 2, maxWaitMs: 20_000, maxOpenOrders: 0 } });
    server = await listen(queued.app);
  });
  afterAll(async () => {
    await server?.close();
    await queued?.close();
  });

  it("over HTTP: a checkout beyond the bound waits and is then served; beyond the queue it is answered 503 at once; one whose client hangs up while waiting is never run", async () => {
    const post = (cartId: string, key: string, signal?: AbortSignal) =>
      fetch(`${server.url}/api/checkout`, {
        method: "POST",
        headers: { ...queued.auth, "content-type": "application/json", "Idempotency-Key": key },
        body: JSON.stringify(checkoutBody(cartId)),
        ...(signal ? { signal } : {}),
      });
    const carts = await Promise.all([1, 2, 3].map(() => queued.cartWith({ "MUG-LOGO": 1 })));
    const [first, gone, waits] = carts.map(() => newKey()) as [string, string, string];
    const unlock = await lockOrders(queued); // the first checkout waits on its insert
    const settle = (response: Promise<Response>) => response.then((r) => r, (error: Error) => error);
    const scrape = async () => (await fetch(`${server.url}/metrics`)).text();
    const waitingNow = async (n: number) =>
      waitFor(async () => (new RegExp(`orders_checkout_waiting\\{[^}]*\\} ${n}\\b`).test(await scrape()) ? true : undefined), { what: `${n} checkouts waiting`, timeoutMs: 10_000 });
    const running = settle(post(carts[0]!, first));
    // it holds the only slot once its insert waits on the lock
    await waitFor(async () => ((await queued.sql`SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`).length > 0 ? true : undefined), { what: "the first checkout blocked on the lock", timeoutMs: 10_000 });
    const hangUp = new AbortController();
    const abandoned = settle(post(carts[1]!, gone, hangUp.signal));
    await waitingNow(1);
    // with room left in the queue, a request that will fail authentication is answered at once and takes none
    const anonymous = await fetch(`${server.url}/api/checkout`, { method: "POST", body: "not even JSON", signal: AbortSignal.timeout(2_000) }); // queued, it would wait 20 s
    expect(anonymous.status).toBe(401);
    expect(await problemOf(anonymous)).toMatchObject({ status: 401 });
    await waitingNow(1);
    const waiting = settle(post(carts[2]!, waits));
    await waitingNow(2);

    // a GET is still no route (404): only a POST is a checkout, rate-limited per user
    expect((await fetch(`${server.url}/api/checkout`, { headers: queued.auth })).status).toBe(404);
    const shed = await fetch(`${server.url}/api/checkout`, { method: "POST", headers: queued.auth, body: "not even JSON" });
    expect(shed.status).toBe(503);
    expect(shed.headers.get("retry-after")).toBe("1");
    expect(await problemOf(shed)).toMatchObject({ status: 503, code: "overloaded", reason: "queue_full" });

    hangUp.abort();
    expect(await abandoned).toBeInstanceOf(Error);
    await waitingNow(1);
    await unlock();
    expect(((await running) as Response).status).toBe(202);
    expect(((await waiting) as Response).status).toBe(202);
    // the client that hung up got no order, and its cart and key are as they were: a retry gets the order
    expect(await ordersWithKeyOf(queued, gone)).toBe(0);
    expect((await queued.call("GET", `/api/cart/${carts[1]}`)).status).toBe(200);
    expect((await post(carts[1]!, gone)).status).toBe(202);

    const metrics = await scrape();
    expect(metrics).toMatch(/orders_checkout_total\{outcome="shed"[^}]*\} 2\b/); // beyond the queue, and the one that hung up
    expect(metrics).toMatch(/orders_checkout_wait_seconds_count\{[^}]*result="admitted"[^}]*\} 1\b/);
    expect(metrics).toMatch(/orders_checkout_wait_seconds_count\{[^}]*result="gone"[^}]*\} 1\b/);
    expect(metrics).toMatch(/orders_checkout_waiting\{[^}]*\} 0\b/);
  });
});
