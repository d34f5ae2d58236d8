import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { adminHeaders, authHeaders, orderPlaced, useParticipant } from "@checkout/testing";
import {
  anyRequestProperty,
  authorizationValue,
  checkProperty,
  contentType,
  deadLetterRoutesProperty,
  expectAlive,
  expectAnswer,
  fetchSend,
  FUZZ_TIMEOUT_MS,
  garbageAuthorization,
  headerValue,
  nearly,
  oddNumber,
  oddValue,
  pathSegment,
  queryString,
  rawBody,
  seedForeignDeadLetters,
} from "@checkout/testing/fuzz";
import { InventoryConfig } from "../config.ts";
import { startInventory } from "../service.ts";

// Bad input at every endpoint of inventory (fast-check): whatever is sent, the answer is below 500, a
// refusal is problem+json naming what was wrong, the service keeps answering, and a refused PUT leaves
// the stock and the reservations as they were.

const t = useParticipant("inventory_fuzz", (env) => startInventory(InventoryConfig.parse({ ...env, RESERVATION_TTL_MS: "600000" })));
const send = fetchSend(() => t.service.url);

const SKUS = ["FUZZ-A", "FUZZ-B"];
let reservedOrder: string;
let callers: Record<string, Record<string, string>>;
let cases = 0;

const stock = async () => (await (await send("GET", "/api/stock")).json()) as { items: unknown[] };
const reservation = async () => (await (await send("GET", `/api/reservations/${reservedOrder}`)).json()) as unknown;
/** what a refused request must leave as it was */
const state = async () => ({ stock: await stock(), reservation: await reservation() });

const caller = fc.oneof({ weight: 4, arbitrary: fc.constant("admin") }, fc.constantFrom("shopper", "nobody"), garbageAuthorization.map((value) => ({ garbage: value })));
const headersOf = async (who: string | { garbage: string }) => (typeof who === "string" ? callers[who]! : { authorization: await authorizationValue(who.garbage) });
/** "held" stands for the sku a live reservation holds units of */
const skuSegment = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...SKUS, "held", "NEW-SKU") }, pathSegment);
const run = async <T extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<T>, numRuns?: number) => {
  cases += await checkProperty(property, numRuns);
};

beforeAll(async () => {
  callers = { admin: await adminHeaders(), shopper: await authHeaders("shopper-fuzz"), nobody: {} };
  for (const sku of SKUS) {
    const response = await send("PUT", `/api/stock/${sku}`, { headers: { ...callers.admin, "content-type": "application/json" }, body: JSON.stringify({ onHand: 10 }) });
    expect(response.status).toBe(200);
  }
  const placed = orderPlaced({ lines: [{ sku: "FUZZ-A", qty: 4 }] });
  await t.bus.publish(placed);
  await t.bus.waitForEvent("INVENTORY", placed.subject, "InventoryReserved");
  reservedOrder = placed.subject;
  await seedForeignDeadLetters(t.bus.nc);
});
afterAll(() => {
  console.info(`inventory fuzz: ${cases} cases`);
});

describe("inventory under bad input", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("reading stock and reservations: any sku or order id, query string and headers", async () => {
    const route = fc.constantFrom("/api/stock", "/api/stock/", "/api/reservations/");
    const id = fc.oneof(skuSegment, fc.constant("reserved"));
    await run(
      fc.asyncProperty(route, id, queryString(["sku", "limit"]), fc.option(garbageAuthorization), async (path, segment, query, authorization) => {
        const target = segment === "held" ? "FUZZ-A" : segment === "reserved" ? reservedOrder : segment;
        const response = await send("GET", `${path}${path.endsWith("/") ? target : ""}${query}`, { headers: authorization === null ? {} : { authorization: await authorizationValue(authorization) } });
        await expectAnswer(response, { fields: ["sku", "orderId"] });
        await expectAlive(send);
      }),
    );
  });

  it("PUT /api/stock/:sku: any body, content type and caller; only an admin sets stock, and a refusal changes nothing", async () => {
    const onHand = fc.oneof({ weight: 3, arbitrary: fc.integer({ min: -2, max: 12 }) }, fc.constantFrom(3, 4, 10_000_000, 10_000_001, 2 ** 31), oddNumber, oddValue);
    const shape = fc.oneof(nearly({ onHand: 7 }, { onHand }), nearly({ onHand: 7 }, { onHand }, { keepTypes: true }));
    const body = fc.oneof({ weight: 8, arbitrary: shape.map((value) => JSON.stringify(value)) }, fc.jsonValue().map((value) => JSON.stringify(value)), rawBody(["onHand"]));
    const type = fc.option(fc.oneof({ weight: 4, arbitrary: fc.constant("application/json") }, contentType), { freq: 10 });
    await run(
      fc.asyncProperty(skuSegment, body, type, caller, async (segment, text, contentTypeValue, who) => {
        const before = await state();
        const headers = { ...(await headersOf(who)), ...(contentTypeValue === null ? {} : { "content-type": contentTypeValue }) };
        const response = await send("PUT", `/api/stock/${segment === "held" ? "FUZZ-A" : segment}`, { body: text, headers });
        const { status, body: level } = await expectAnswer(response, { method: "PUT", fields: ["sku", "onHand", "body"] });
        if (status >= 400) expect(await state()).toEqual(before);
        if (status < 400) {
          expect(who).toBe("admin");
          const sent = (JSON.parse(text as string) as { onHand: number }).onHand;
          expect(level).toMatchObject({ onHand: sent + 0 }); // + 0: -0 is stored as 0
          expect((await stock()).items).toContainEqual(level);
        }
        await expectAlive(send);
      }),
    );
  });

  it("any method on any path, with any body and caller", async () => {
    await run(anyRequestProperty({ send, prefixes: ["", "/api", "/api/stock", "/api/stock/FUZZ-A", "/api/reservations", "/admin", "/admin/dlq"], callers, state }));
  });

  it("/admin/dlq: any method, sequence, query and caller; only admins get in, and a refusal leaves the DLQ as it was", async () => {
    const consumers = [...t.service.messaging.router.consumers(), "inventory-worker"];
    await run(deadLetterRoutesProperty({ send, nc: t.bus.nc, admin: callers.admin!.authorization!, shopper: callers.shopper!.authorization!, consumers }));
  });

  it("headers: any Authorization, content type and other header on the PUT of a valid body", async () => {
    const header = fc.tuple(fc.constantFrom("x-request-id", "traceparent", "x-forwarded-for", "accept", "if-match", "cookie"), headerValue);
    await run(
      fc.asyncProperty(fc.option(garbageAuthorization), fc.option(contentType), header, async (authorization, type, [name, value]) => {
        const before = await state();
        const headers = { ...(authorization === null ? {} : { authorization: await authorizationValue(authorization) }), ...(type === null ? {} : { "content-type": type }), [name]: value };
        const response = await send("PUT", "/api/stock/FUZZ-B", { body: JSON.stringify({ onHand: 3 }), headers });
        const { status } = await expectAnswer(response, { method: "PUT" });
        expect(status).toBeGreaterThanOrEqual(400); // no admin token among these
        expect(await state()).toEqual(before);
        await expectAlive(send);
      }),
    );
  });
});
