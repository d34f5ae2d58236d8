import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import Stripe from "stripe";
import postgres from "postgres";
import { InventoryReserved, ShipmentCreated, sampleEnvelopes, type CloudEvent } from "@checkout/contracts";
import { startStripeSim } from "@checkout/stripe-sim";
import { adminHeaders, orderPlaced, TEST_JWT_SECRET, useParticipant, waitFor } from "@checkout/testing";
import { PaymentsConfig } from "../config.ts";
import { startPayments } from "../service.ts";

// POST /admin/payments/:orderId/retry hands a parked provider step back to the payment worker.

let sim: Awaited<ReturnType<typeof startStripeSim>>;
const payments = useParticipant("payments_retry", async (env) => {
  sim = await startStripeSim({ port: 0 });
  return startPayments(PaymentsConfig.parse({ ...env, STRIPE_API_URL: sim.url, STRIPE_MAX_NETWORK_RETRIES: "0" }));
});
afterAll(async () => {
  await sim?.close();
});

type PaymentView = { status: string; parkedStep: string | null; attempts: number; paymentIntentId: string };
const paymentOf = async (orderId: string) => (await (await fetch(`${payments.service.url}/api/payments/${orderId}`)).json()) as PaymentView;
const intentsOf = async (orderId: string) =>
  ((await (await fetch(`${sim.url}/_sim/payment_intents?order_id=${orderId}`)).json()) as { data: Array<{ id: string; status: string; amount_captured: number }> }).data;
const retry = async (orderId: string) => fetch(`${payments.service.url}/admin/payments/${orderId}/retry`, { method: "POST", headers: await adminHeaders({ secret: TEST_JWT_SECRET }) });
const shipped = (orderId: string) => ShipmentCreated.create(orderId, ShipmentCreated.parse(sampleEnvelopes(ShipmentCreated, orderId)[0]).data);

async function authorizedOrder(): Promise<CloudEvent> {
  const placed = orderPlaced({ lines: [{ sku: "MUG-LOGO", qty: 1, unitPrice: 3_000 }] });
  await payments.bus.publish(placed);
  await payments.bus.publish(
    InventoryReserved.create(placed.subject, { orderId: placed.subject, reservationId: `res_${placed.subject}`, lines: [{ sku: "MUG-LOGO", qty: 1 }], expiresAt: new Date(Date.now() + 60_000).toISOString() }),
  );
  await payments.bus.waitForEvent("PAYMENTS", placed.subject, "PaymentAuthorized");
  return placed;
}

describe("POST /admin/payments/:orderId/retry", () => {
  it("a parked step goes back to the worker, which completes it: the capture happens once, PaymentCaptured is published", async () => {
    const placed = await authorizedOrder();
    // as if the worker had parked the capture (a refusal that an operator has since dealt with at the provider)
    const sql = postgres(payments.db.url, { max: 1, onnotice: () => {} });
    await sql`UPDATE payments SET status = 'parked', parked_step = 'capturing', failure_message = 'simulated refusal' WHERE order_id = ${placed.subject}`;
    await sql.end();
    expect(await paymentOf(placed.subject)).toMatchObject({ status: "parked", parkedStep: "capturing" });

    const response = await retry(placed.subject);
    expect(response.status).toBe(202);
    expect(await response.json()).toEqual({ orderId: placed.subject, status: "capturing", retried: "capturing" });

    const captured = await payments.bus.waitForEvent("PAYMENTS", placed.subject, "PaymentCaptured");
    expect(captured.data).toMatchObject({ amount: { amount: 3_000, currency: "USD" } });
    expect(await paymentOf(placed.subject)).toMatchObject({ status: "captured", parkedStep: null });
    expect(await intentsOf(placed.subject)).toMatchObject([{ status: "succeeded", amount_captured: 3_000 }]);

    const again = await retry(placed.subject);
    expect(again.status).toBe(409);
    expect(again.headers.get("content-type")).toBe("application/problem+json");
    expect(await again.json()).toMatchObject({ code: "not_parked", detail: `the payment of order ${placed.subject} is captured, not parked: there is no step to retry` });
  });

  it("the worker records which step it parked; a retry of a refusal that still stands parks it again", async () => {
    const placed = await authorizedOrder();
    const [intent] = await intentsOf(placed.subject);
    await new Stripe("sk_test_operator", { host: "127.0.0.1", port: Number(new URL(sim.url).port), protocol: "http" }).paymentIntents.cancel(intent!.id);
    await payments.bus.publish(shipped(placed.subject));
    await waitFor(async () => (await paymentOf(placed.subject)).status === "parked", { what: "the parked capture" });
    expect(await paymentOf(placed.subject)).toMatchObject({ parkedStep: "capturing" });

    const requests = async () => ((await (await fetch(`${sim.url}/_sim/stats`)).json()) as { requests: number }).requests;
    const before = await requests();
    expect((await retry(placed.subject)).status).toBe(202);
    // the worker calls the provider again (capture, then a look at the intent) and parks the step again
    await waitFor(async () => (await requests()) >= before + 2 && (await paymentOf(placed.subject)).status === "parked", { what: "the second attempt" });
    expect(await paymentOf(placed.subject)).toMatchObject({ status: "parked", parkedStep: "capturing" });
    expect((await payments.bus.eventsFor("PAYMENTS", placed.subject)).has("PaymentCaptured")).toBe(false);
  });

  it("404 for an order payments never saw, 400 for a malformed id", async () => {
    const unknown = randomUUID();
    const missing = await retry(unknown);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: "not_found", detail: `payment for order ${unknown} does not exist` });
    const malformed = await retry("order-42");
    expect(malformed.status).toBe(400);
    expect(await malformed.json()).toMatchObject({ code: "validation_failed", errors: [{ field: "orderId" }] });
  });
});
