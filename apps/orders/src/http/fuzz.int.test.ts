import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { jetstreamManager } from "@nats-io/jetstream";
import { deadLetterRoutes, durableName, ensureStreams } from "@checkout/messaging";
import { adminHeaders, authHeaders } from "@checkout/testing";
import { orderHandlers } from "../handlers/index.ts";
import { CATALOG, PROMO_CODES } from "../seed/catalog.ts";
import {
  authorizationValue,
  contentType,
  deadLetterRoutesProperty,
  checkProperty,
  expectAlive,
  expectAnswer,
  FUZZ_TIMEOUT_MS,
  garbageAuthorization,
  headerValue,
  hostileText,
  nearly,
  oddNumber,
  oddString,
  oddValue,
  pathSegment,
  queryString,
  rawBody,
  seedForeignDeadLetters,
  signedAuthorization,
  signedClaims,
  type Send,
} from "@checkout/testing/fuzz";
import { idempotencyKvKey } from "./request-hash.ts";
import { ADDRESS, startHarness, type Harness } from "./test-harness.ts";

// Bad input at every endpoint of the orders API (fast-check): whatever is sent, the answer is below 500,
// a refusal is problem+json naming what was wrong, the process keeps answering, and a refused change
// leaves the carts, the orders and the outbox as they were.

let h: Harness;
let stranger: Harness["call"];
let admin: Record<string, string>;
let ownOrder: string;
let strangersOrder: string;
/** the stranger's bearer token */
let strangerAuth: Record<string, string>;
/** the durable consumers of orders, whose dead letters its /admin/dlq serves */
let consumers: string[];
let cases = 0;

/** Exactly these headers and this body (h.call adds the shopper's token and a JSON content type). */
const send: Send = async (method, path, { body, headers = {} } = {}) =>
  h.app.request(path, { method, headers, ...(body === undefined || method === "GET" || method === "HEAD" ? {} : { body }) });

const cartOf = (cartId: string) => h.redis.hgetall(`${h.deps.redisPrefix}cart:${cartId}`);

/** Who sends: the shopper, another shopper, an admin, nobody, or a garbage Authorization header. */
const caller = fc.oneof({ weight: 8, arbitrary: fc.constant("shopper") }, fc.constantFrom("stranger", "admin", "nobody"), garbageAuthorization.map((value) => ({ garbage: value })));
type Caller = "shopper" | "stranger" | "admin" | "nobody" | { garbage: string };
async function authOf(who: Caller): Promise<Record<string, string>> {
  if (who === "shopper") return h.auth;
  if (who === "stranger") return strangerAuth;
  if (who === "admin") return admin;
  if (who === "nobody") return {};
  return { authorization: await authorizationValue(who.garbage) };
}

/** A cart of the shopper and one of the stranger, new for each case (either may be changed or deleted). */
interface Carts {
  mine: string;
  theirs: string;
}
const freshCarts = async (items: Record<string, number>): Promise<Carts> => ({ mine: await h.cartWith(items), theirs: await h.cartWith({ "TOTE-CANVAS": 3 }, stranger) });
const contents = async ({ mine, theirs }: Carts) => ({ mine: await cartOf(mine), theirs: await cartOf(theirs) });
/** "mine" and "theirs" stand for the case's carts (or the two orders); anything else is sent as it is */
const pick = (target: string, { mine, theirs }: Carts) => (target === "mine" ? mine : target === "theirs" ? theirs : target);
/** who may change a cart or an order: its owner only */
const owns = (who: Caller, target: string) => (who === "shopper" && target === "mine") || (who === "stranger" && target === "theirs");
const ordersTable = () => h.sql`SELECT id, status, version, cancel_reason FROM orders ORDER BY id`;
const json = { "content-type": "application/json" };

const SKUS = CATALOG.map((product) => product.sku);
const sku = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SKUS, "NO-SUCH-SKU") }, oddString, oddValue);
const qty = fc.oneof({ weight: 2, arbitrary: fc.integer({ min: -2, max: 101 }) }, oddNumber, oddValue);
const promoCode = fc.oneof(fc.constantFrom(...PROMO_CODES.map((promo) => promo.code), " welcome10 ", "NOPE"), hostileText, oddString);
const address = nearly(ADDRESS, {
  country: fc.constantFrom("US", "DE", "us", "USA", "ZZ", ""),
  region: fc.constantFrom("US-CA", "US-NY", "DE-BE", "XX-123", "us-ca", ""),
  postalCode: fc.oneof(fc.constantFrom("94105", "10115", "", " "), oddString),
  line2: oddString,
});
/** Free text that a schema lets through (address lines, promo codes) but may be odd: NUL, lone surrogates, control characters, long. */
const freeText = fc.oneof({ weight: 3, arbitrary: hostileText }, oddString);
/** A destination and promo code of the right types whose text is odd */
const oddDestination = fc.record({ address: nearly(ADDRESS, { line2: freeText }, { keepTypes: true }), promoCode: fc.option(freeText, { nil: undefined }) });
/** A JSON body close to `shape`, any JSON, or not JSON at all; with the JSON content type, another, or none. */
const bodyLike = (shape: fc.Arbitrary<unknown>, fieldsOfBody: readonly string[]) =>
  fc.record({
    body: fc.oneof({ weight: 8, arbitrary: shape.map((value) => JSON.stringify(value)) }, fc.jsonValue().map((value) => JSON.stringify(value)), rawBody(fieldsOfBody)),
    contentType: fc.option(fc.oneof({ weight: 4, arbitrary: fc.constant("application/json") }, contentType), { freq: 10 }),
  });
/** Bodies like `valid`: loosely (wrong types, missing and extra fields) or closely (right types, odd values) */
const shaped = (valid: Record<string, unknown>, fields: Record<string, fc.Arbitrary<unknown>>) => fc.oneof(nearly(valid, fields), nearly(valid, fields, { keepTypes: true }));
const withType = (headers: Record<string, string>, type: string | null) => (type === null ? headers : { ...headers, "content-type": type });

const run = async <T extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<T>, numRuns?: number) => {
  cases += await checkProperty(property, numRuns);
};

beforeAll(async () => {
  h = await startHarness();
  // the dead letter routes as runService mounts them on every service (before the first request builds the router)
  await ensureStreams(await jetstreamManager(h.nc));
  consumers = [...new Set(orderHandlers.map((handler) => durableName("orders", handler.subscribe.stream))), "orders-worker"];
  h.app.route("/admin/dlq", deadLetterRoutes({ nc: h.nc, consumers }));
  await seedForeignDeadLetters(h.nc);

  const strangerId = `stranger-${randomUUID()}`;
  stranger = await h.as(strangerId);
  strangerAuth = await authHeaders(strangerId);
  admin = await adminHeaders();

  const place = async (call: Harness["call"], cartId: string) => {
    const response = await call("POST", "/api/checkout", { cartId, email: "ada@example.com", paymentMethod: "pm_card_visa", address: ADDRESS }, { "Idempotency-Key": randomUUID() });
    expect(response.status).toBe(202);
    return ((await response.json()) as { orderId: string }).orderId;
  };
  ownOrder = await place(h.call, await h.cartWith({ "MUG-LOGO": 1 }));
  strangersOrder = await place(stranger, await h.cartWith({ "CAP-NAVY": 2 }, stranger));
});
afterAll(async () => {
  console.info(`orders fuzz: ${cases} cases`);
  await h?.close();
});

describe("the orders API under bad input", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("catalog: any sku segment, query string and headers", async () => {
    await run(
      fc.asyncProperty(fc.option(pathSegment, { freq: 4 }), queryString(["sku", "limit", "q"]), fc.option(garbageAuthorization), async (segment, query, authorization) => {
        const path = segment === null ? `/api/products${query}` : `/api/products/${segment}${query}`;
        const response = await send("GET", path, { headers: authorization === null ? {} : { authorization: await authorizationValue(authorization) } });
        await expectAnswer(response, { fields: ["sku"] });
        await expectAlive(send);
      }),
    );
  });

  it("carts: reading and deleting any id, as anybody, deletes only the caller's own cart", async () => {
    await run(
      fc.asyncProperty(fc.constantFrom("GET", "DELETE"), fc.oneof(fc.constantFrom("mine", "theirs"), pathSegment), caller, queryString(["cartId"]), async (method, target, who, query) => {
        const carts = await freshCarts({ "MUG-LOGO": 2 });
        const before = await contents(carts);
        const response = await send(method, `/api/cart/${pick(target, carts)}${query}`, { headers: await authOf(who) });
        const { status } = await expectAnswer(response, { method, fields: ["cartId"] });
        if (status >= 400) expect(await contents(carts)).toEqual(before);
        if (status < 400) expect(owns(who, target)).toBe(true);
        await expectAlive(send);
      }),
    );
  });

  it("cart items: any body and content type added to any cart; a refused add changes no cart", async () => {
    const shape = shaped({ sku: "MUG-LOGO", qty: 1 }, { sku, qty });
    await run(
      fc.asyncProperty(fc.integer({ min: 1, max: 99 }), fc.oneof({ weight: 4, arbitrary: fc.constantFrom("mine", "theirs") }, pathSegment), bodyLike(shape, ["sku", "qty"]), caller, async (held, target, { body, contentType: type }, who) => {
        const carts = await freshCarts({ "MUG-LOGO": held });
        const before = await contents(carts);
        const response = await send("POST", `/api/cart/${pick(target, carts)}/items`, { body, headers: withType(await authOf(who), type) });
        const { status } = await expectAnswer(response, { method: "POST", fields: ["sku", "qty", "cartId", "body"] });
        if (status >= 400) expect(await contents(carts)).toEqual(before);
        if (status < 400) expect(owns(who, target)).toBe(true);
        await expectAlive(send);
      }),
    );
  });

  it("cart items: changing and removing any sku of any cart; a refused change changes no cart", async () => {
    const shape = shaped({ qty: 3 }, { qty });
    await run(
      fc.asyncProperty(
        fc.constantFrom("PATCH", "DELETE"),
        fc.oneof({ weight: 4, arbitrary: fc.constantFrom("mine", "theirs") }, pathSegment),
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom("MUG-LOGO", "CAP-NAVY", "TOTE-CANVAS", "NO-SUCH-SKU") }, pathSegment),
        bodyLike(shape, ["qty"]),
        caller,
        async (method, target, skuSegment, { body, contentType: type }, who) => {
          const carts = await freshCarts({ "MUG-LOGO": 2, "CAP-NAVY": 1 });
          const before = await contents(carts);
          const response = await send(method, `/api/cart/${pick(target, carts)}/items/${skuSegment}`, { body, headers: withType(await authOf(who), type) });
          const { status } = await expectAnswer(response, { method, fields: ["sku", "qty", "cartId", "body"] });
          if (status >= 400) expect(await contents(carts)).toEqual(before);
          if (status < 400) expect(owns(who, target)).toBe(true);
          await expectAlive(send);
        },
      ),
    );
  });

  it("quote: any destination and promo code for any cart; nothing is written", async () => {
    const shape = fc.oneof(shaped({ address: ADDRESS, promoCode: "WELCOME10" }, { address, promoCode }), oddDestination);
    await run(
      fc.asyncProperty(fc.oneof({ weight: 4, arbitrary: fc.constantFrom("mine", "empty", "theirs") }, pathSegment), bodyLike(shape, ["promoCode"]), caller, async (target, { body, contentType: type }, who) => {
        const carts = await freshCarts(target === "empty" ? {} : { "HOODIE-GRY-L": 2, "MUG-LOGO": 1 });
        const before = { carts: await contents(carts), counts: await h.counts() };
        const response = await send("POST", `/api/cart/${pick(target === "empty" ? "mine" : target, carts)}/quote`, { body, headers: withType(await authOf(who), type) });
        await expectAnswer(response, { method: "POST", fields: ["address", "promoCode", "cartId", "body"] });
        expect({ carts: await contents(carts), counts: await h.counts() }).toEqual(before);
        await expectAlive(send);
      }),
    );
  });

  describe("checkout", () => {
    const CART = "11111111-1111-4111-8111-111111111111"; // stands for the case's own cart
    const valid = { cartId: CART, email: "ada@example.com", paymentMethod: "pm_card_visa", address: ADDRESS, promoCode: "WELCOME10" };
    const fields = {
      cartId: fc.oneof(fc.constant("theirs"), fc.uuid(), oddString),
      email: fc.oneof(fc.emailAddress(), oddString),
      paymentMethod: fc.oneof(fc.constantFrom("pm_card_visa", "pm_card_chargeDeclined", "pm_", `pm_${"a".repeat(101)}`), oddString),
      address,
      promoCode,
    };

    /** One checkout of a fresh cart; a refusal writes no order, no event, and (refused as invalid) no idempotency record. */
    async function checkout({ body, type, idempotencyKey, trace, who }: { body: string | Uint8Array; type: string | null; idempotencyKey: string | null; trace: string | null; who: Caller }) {
      const carts = await freshCarts({ "MUG-LOGO": 1, "SOCKS-STRIPE": 2 });
      const text = typeof body === "string" ? body.replaceAll(CART, carts.mine).replaceAll('"theirs"', `"${carts.theirs}"`) : body;
      const kvKey = idempotencyKey === null ? undefined : idempotencyKvKey("checkout", h.user, idempotencyKey);
      const before = { counts: await h.counts(), carts: await contents(carts), record: kvKey && (await h.kv.get(kvKey))?.revision };
      const headers = withType({ ...(await authOf(who)), ...(idempotencyKey === null ? {} : { "Idempotency-Key": idempotencyKey }), ...(trace === null ? {} : { traceparent: trace }) }, type);
      const response = await send("POST", "/api/checkout", { body: text, headers });
      const { status } = await expectAnswer(response, { method: "POST", fields: ["Idempotency-Key", "cartId", "email", "paymentMethod", "address", "promoCode", "body"] });
      if (status >= 400) expect({ counts: await h.counts(), carts: await contents(carts) }).toEqual({ counts: before.counts, carts: before.carts });
      if ([400, 413, 415].includes(status) && kvKey) expect((await h.kv.get(kvKey))?.revision).toBe(before.record);
      if (status === 202) {
        const replayed = response.headers.get("Idempotent-Replayed") === "true";
        expect(await h.counts()).toEqual(replayed ? before.counts : { orders: before.counts.orders + 1, outbox: before.counts.outbox + 1 });
        // the caller's own cart may be checked out (and so emptied); the other one is not theirs to touch
        const othersCart = who === "stranger" ? "mine" : "theirs";
        expect(await cartOf(carts[othersCart])).toEqual(before.carts[othersCart]);
      }
      await expectAlive(send);
    }

    it("any body, Idempotency-Key, content type, traceparent and caller", async () => {
      const key = fc.option(
        fc.oneof({ weight: 4, arbitrary: fc.uuid() }, fc.constantFrom("k1", "k2", "k3"), headerValue, fc.string({ minLength: 1, maxLength: 255 }), fc.constantFrom("k".repeat(256), "a b", "clé", "")),
        { freq: 6 },
      );
      const trace = fc.option(fc.oneof(fc.constant("00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"), headerValue));
      await run(
        fc.asyncProperty(bodyLike(shaped(valid, fields), ["cartId", "email", "paymentMethod", "promoCode"]), key, trace, caller, async ({ body, contentType: type }, idempotencyKey, traceparent, who) =>
          checkout({ body, type, idempotencyKey, trace: traceparent, who }),
        ),
        100,
      );
    });

    it("a well-formed request of the shopper whose free-text values are odd (NUL, lone surrogates, control characters, long)", async () => {
      const body = oddDestination.map((destination) => ({ ...valid, ...destination }));
      await run(
        fc.asyncProperty(body, fc.uuid(), async (body, idempotencyKey) =>
          checkout({ body: JSON.stringify(body), type: "application/json", idempotencyKey, trace: null, who: "shopper" }),
        ),
        100,
      );
    });
  });

  it("orders: reading, cancelling and streaming any id with any Last-Event-ID; a refused cancel writes nothing", async () => {
    const lastEventId = fc.option(fc.oneof(fc.constantFrom("", "0", "1", "-1", "1.5", "1e3", "1e7", "NaN", "Infinity", " 5 ", "0x10", "999999999999999999999"), headerValue));
    await run(
      fc.asyncProperty(
        fc.constantFrom("GET", "cancel", "events"),
        fc.oneof({ weight: 3, arbitrary: fc.constantFrom("mine", "theirs") }, pathSegment),
        caller,
        lastEventId,
        fc.option(headerValue),
        async (route, target, who, lastEvent, trace) => {
          const orderId = pick(target, { mine: ownOrder, theirs: strangersOrder });
          const before = { counts: await h.counts(), orders: await ordersTable() };
          const headers = { ...(await authOf(who)), ...(lastEvent === null ? {} : { "Last-Event-ID": lastEvent }), ...(trace === null ? {} : { traceparent: trace }) };
          const [method, path] = route === "GET" ? ["GET", `/api/orders/${orderId}`] : route === "cancel" ? ["POST", `/api/orders/${orderId}/cancel`] : ["GET", `/api/orders/${orderId}/events`];
          const response = await send(method, path, { headers });
          const { status } = await expectAnswer(response, { method, fields: ["orderId", "Last-Event-ID"] });
          if (status >= 400) expect({ counts: await h.counts(), orders: await ordersTable() }).toEqual(before);
          // an order is its shopper's to cancel, and its shopper's or an admin's to read
          if (status < 400) expect(owns(who, target) || (route !== "cancel" && who === "admin")).toBe(true);
          await expectAlive(send);
        },
      ),
    );
  });

  it("authentication: a garbage Authorization header gets a 401 naming it, anywhere a user is needed", async () => {
    const route = fc.constantFrom(["POST", "/api/cart"], ["GET", `/api/cart/${randomUUID()}`], ["POST", "/api/checkout"], ["GET", `/api/orders/${randomUUID()}`], ["POST", `/api/orders/${randomUUID()}/cancel`], ["GET", "/admin/dlq"]);
    await run(
      fc.asyncProperty(route, garbageAuthorization, async ([method, path], authorization) => {
        const before = await h.counts();
        const response = await send(method!, path!, { headers: { authorization: await authorizationValue(authorization), ...json, "Idempotency-Key": "k1" }, body: "{}" });
        const { status, problem } = await expectAnswer(response, { method: method! });
        expect(status).toBe(401);
        expect(problem?.errors?.map((error) => error.field)).toContain("Authorization");
        expect(response.headers.get("www-authenticate")).toMatch(/^Bearer realm="checkout"/);
        expect(await h.counts()).toEqual(before);
        await expectAlive(send);
      }),
    );
  });

  it("authentication: a token signed with the right key but any claims either is refused (401) or works end to end", async () => {
    await run(
      fc.asyncProperty(signedClaims, async (claims) => {
        const headers = { authorization: await signedAuthorization(claims) };
        const created = await send("POST", "/api/cart", { headers });
        const { status, body: view } = await expectAnswer(created, { method: "POST" });
        if (status === 401) return;
        expect(status).toBe(201);
        const { cartId } = view as { cartId: string };
        const steps: Array<[string, string, unknown, Record<string, string>?]> = [
          ["POST", `/api/cart/${cartId}/items`, { sku: "MUG-LOGO", qty: 1 }],
          ["GET", `/api/cart/${cartId}`, undefined],
          ["POST", `/api/cart/${cartId}/quote`, { address: ADDRESS }],
          ["POST", "/api/checkout", { cartId, email: "ada@example.com", paymentMethod: "pm_card_visa", address: ADDRESS }, { "Idempotency-Key": randomUUID() }],
          ["GET", `/api/orders/${randomUUID()}`, undefined],
        ];
        for (const [method, path, body, extra = {}] of steps) {
          const response = await send(method, path, { headers: { ...headers, ...json, ...extra }, body: body === undefined ? undefined : JSON.stringify(body) });
          await expectAnswer(response, { method });
        }
        await expectAlive(send);
      }),
      100,
    );
  });

  it("any method on any path, with any body: never a 5xx, and a refusal writes no order", async () => {
    const prefix = fc.constantFrom("", "/api", "/api/products", "/api/cart", `/api/cart/${randomUUID()}`, "/api/checkout", "/api/orders", "/admin", "/healthz", "/readyz", "/metrics");
    await run(
      fc.asyncProperty(fc.constantFrom("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"), prefix, fc.array(pathSegment, { maxLength: 3 }), queryString(["limit"]), caller, fc.option(rawBody()), async (method, start, segments, query, who, body) => {
        const before = await h.counts();
        const path = `${start}${segments.map((segment) => `/${segment}`).join("")}${query}` || "/";
        const response = await send(method, path, { headers: { ...(await authOf(who)), ...json }, ...(body === null ? {} : { body }) });
        const { status } = await expectAnswer(response, { method });
        if (status >= 400) expect(await h.counts()).toEqual(before);
        await expectAlive(send);
      }),
    );
  });

  it("/admin/dlq: any method, sequence, query and caller; only admins get in, and a refusal leaves the DLQ as it was", async () => {
    await run(deadLetterRoutesProperty({ send, nc: h.nc, admin: admin.authorization!, shopper: h.auth.authorization!, consumers }));
  });
});
