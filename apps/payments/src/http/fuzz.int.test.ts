import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { InventoryReserved } from "@checkout/contracts";
import { startStripeSim } from "@checkout/stripe-sim";
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
  pathSegment,
  queryString,
  rawBody,
  seedForeignDeadLetters,
} from "@checkout/testing/fuzz";
import { PaymentsConfig } from "../config.ts";
import { startPayments } from "../service.ts";

// Bad input at every endpoint of payments (fast-check): whatever is sent, the answer is below 500, a
// refusal is problem+json naming what was wrong, the service keeps answering, and a refused retry
// leaves the payments and the outbox as they were.

let sim: Awaited<ReturnType<typeof startStripeSim>>;
const t = useParticipant("payments_fuzz", async (env) => {
  sim = await startStripeSim({ port: 0 });
  return startPayments(PaymentsConfig.parse({ ...env, STRIPE_API_URL: sim.url, STRIPE_MAX_NETWORK_RETRIES: "0" }));
});
afterAll(async () => {
  await sim?.close();
});
const send = fetchSend(() => t.service.url);

/** an order whose payment is authorized (not parked: a retry of it is refused) */
let authorizedOrder: string;
let callers: Record<string, Record<string, string>>;
let cases = 0;

/** what a refused request must leave as it was */
const state = async () => ({
  payments: await t.service.sql`SELECT * FROM payments ORDER BY order_id`,
  outbox: (await t.service.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox`)[0]!.n,
});
const orderId = fc.oneof({ weight: 3, arbitrary: fc.constant("authorized") }, fc.uuid(), pathSegment);
const idOf = (segment: string) => (segment === "authorized" ? authorizedOrder : segment);
const run = async <T extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<T>, numRuns?: number) => {
  cases += await checkProperty(property, numRuns);
};

beforeAll(async () => {
  callers = { admin: await adminHeaders(), shopper: await authHeaders("shopper-fuzz"), nobody: {} };
  const placed = orderPlaced({ lines: [{ sku: "MUG-LOGO", qty: 1, unitPrice: 3_000 }] });
  await t.bus.publish(placed);
  await t.bus.publish(
    InventoryReserved.create(placed.subject, { orderId: placed.subject, reservationId: `res_${placed.subject}`, lines: [{ sku: "MUG-LOGO", qty: 1 }], expiresAt: new Date(Date.now() + 600_000).toISOString() }),
  );
  await t.bus.waitForEvent("PAYMENTS", placed.subject, "PaymentAuthorized");
  await t.bus.settled("INVENTORY", "payments-inventory");
  authorizedOrder = placed.subject;
  await seedForeignDeadLetters(t.bus.nc);
});
afterAll(() => {
  console.info(`payments fuzz: ${cases} cases`);
});

describe("payments under bad input", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("GET /api/payments/:orderId: any id, query string and headers; the payment method never shows", async () => {
    await run(
      fc.asyncProperty(orderId, queryString(["orderId", "limit"]), fc.option(garbageAuthorization), async (segment, query, authorization) => {
        const response = await send("GET", `/api/payments/${idOf(segment)}${query}`, { headers: authorization === null ? {} : { authorization: await authorizationValue(authorization) } });
        const { status, body } = await expectAnswer(response, { fields: ["orderId"] });
        if (status === 200) expect(body).not.toHaveProperty("paymentMethod");
        await expectAlive(send);
      }),
    );
  });

  it("POST /admin/payments/:orderId/retry: any id, body, content type and caller; refused (nothing is parked), and nothing changes", async () => {
    const caller = fc.oneof({ weight: 4, arbitrary: fc.constant("admin") }, fc.constantFrom("shopper", "nobody"), garbageAuthorization.map((value) => ({ garbage: value })));
    await run(
      fc.asyncProperty(orderId, fc.option(rawBody()), fc.option(contentType), caller, queryString(["step"]), async (segment, body, type, who, query) => {
        const before = await state();
        const headers = { ...(typeof who === "string" ? callers[who]! : { authorization: await authorizationValue(who.garbage) }), ...(type === null ? {} : { "content-type": type }) };
        const response = await send("POST", `/admin/payments/${idOf(segment)}/retry${query}`, { headers, ...(body === null ? {} : { body }) });
        const { status } = await expectAnswer(response, { method: "POST", fields: ["orderId"] });
        expect(status).toBeGreaterThanOrEqual(400);
        if (who !== "admin") expect([401, 403, 404, 413]).toContain(status);
        expect(await state()).toEqual(before);
        await expectAlive(send);
      }),
    );
  });

  it("any method on any path, with any body and caller", async () => {
    await run(anyRequestProperty({ send, prefixes: ["", "/api", "/api/payments", `/api/payments/${authorizedOrder}`, "/admin", "/admin/payments", `/admin/payments/${authorizedOrder}`, "/admin/dlq"], callers, state }));
  });

  it("/admin/dlq: any method, sequence, query and caller; only admins get in, and a refusal leaves the DLQ as it was", async () => {
    const consumers = [...t.service.messaging.router.consumers(), "payments-worker"];
    await run(deadLetterRoutesProperty({ send, nc: t.bus.nc, admin: callers.admin!.authorization!, shopper: callers.shopper!.authorization!, consumers }));
  });
});
