import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import { OrderConfirmed, sampleEnvelopes } from "@checkout/contracts";
import { adminHeaders, authHeaders, useParticipant } from "@checkout/testing";
import {
  anyRequestProperty,
  authorizationValue,
  checkProperty,
  deadLetterRoutesProperty,
  expectAlive,
  expectAnswer,
  fetchSend,
  FUZZ_TIMEOUT_MS,
  garbageAuthorization,
  pathSegment,
  queryString,
  seedForeignDeadLetters,
} from "@checkout/testing/fuzz";
import { ShippingConfig } from "../config.ts";
import { startShipping } from "../service.ts";

// Bad input at every endpoint of shipping (fast-check): whatever is sent, the answer is below 500, a
// refusal is problem+json naming what was wrong, the service keeps answering and writes nothing.

const t = useParticipant("shipping_fuzz", (env) => startShipping(ShippingConfig.parse(env)));
const send = fetchSend(() => t.service.url);

/** an order with a shipment */
let shippedOrder: string;
let callers: Record<string, Record<string, string>>;
let cases = 0;

/** what a refused request must leave as it was */
const state = async () => ({
  shipments: await t.service.sql`SELECT * FROM shipments ORDER BY order_id`,
  outbox: (await t.service.sql<{ n: number }[]>`SELECT count(*)::int AS n FROM outbox`)[0]!.n,
});
const run = async <T extends [unknown, ...unknown[]]>(property: fc.IAsyncProperty<T>, numRuns?: number) => {
  cases += await checkProperty(property, numRuns);
};

beforeAll(async () => {
  callers = { admin: await adminHeaders(), shopper: await authHeaders("shopper-fuzz"), nobody: {} };
  const orderId = randomUUID();
  const sample = OrderConfirmed.parse(sampleEnvelopes(OrderConfirmed, orderId)[0]!);
  await t.bus.publish(OrderConfirmed.create(orderId, sample.data));
  await t.bus.waitForEvent("SHIPPING", orderId, "ShipmentCreated");
  shippedOrder = orderId;
  await seedForeignDeadLetters(t.bus.nc);
});
afterAll(() => {
  console.info(`shipping fuzz: ${cases} cases`);
});

describe("shipping under bad input", { timeout: FUZZ_TIMEOUT_MS }, () => {
  it("GET /api/shipments/:orderId: any id, query string and headers", async () => {
    const orderId = fc.oneof({ weight: 3, arbitrary: fc.constant("shipped") }, fc.uuid(), pathSegment);
    await run(
      fc.asyncProperty(orderId, queryString(["orderId", "carrier"]), fc.option(garbageAuthorization), async (segment, query, authorization) => {
        const id = segment === "shipped" ? shippedOrder : segment;
        const response = await send("GET", `/api/shipments/${id}${query}`, { headers: authorization === null ? {} : { authorization: await authorizationValue(authorization) } });
        const { status, body } = await expectAnswer(response, { fields: ["orderId"] });
        if (status === 200) expect(body).toMatchObject({ orderId: shippedOrder });
        await expectAlive(send);
      }),
    );
  });

  it("any method on any path, with any body and caller", async () => {
    await run(anyRequestProperty({ send, prefixes: ["", "/api", "/api/shipments", `/api/shipments/${shippedOrder}`, "/admin", "/admin/dlq"], callers, state }));
  });

  it("/admin/dlq: any method, sequence, query and caller; only admins get in, and a refusal leaves the DLQ as it was", async () => {
    const consumers = [...t.service.messaging.router.consumers(), "shipping-worker"];
    await run(deadLetterRoutesProperty({ send, nc: t.bus.nc, admin: callers.admin!.authorization!, shopper: callers.shopper!.authorization!, consumers }));
  });
});
