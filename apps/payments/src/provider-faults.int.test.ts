import { beforeAll, afterAll, beforeEach, describe, expect, it } from "vitest";
import { InventoryReserved, type CloudEvent } from "@checkout/contracts";
import { startStripeSim } from "@checkout/stripe-sim";
import { orderPlaced, useParticipant, waitFor } from "@checkout/testing";
import { PaymentsConfig } from "./config.ts";
import { startPayments } from "./service.ts";

// The provider misbehaves: 429s, timeouts, slowness, an outage. Payments retries with the same
// idempotency key, opens its circuit breaker, keeps orders pending while the deadline allows.
let sim: Awaited<ReturnType<typeof startStripeSim>>;
beforeAll(async () => {
  sim = await startStripeSim({ port: 0, hangMs: 3_000 });
});
afterAll(async () => sim?.close());

const t = useParticipant("payments_faults", (env) =>
  startPayments(
    PaymentsConfig.parse({
      ...env,
      STRIPE_API_URL: sim.url,
      STRIPE_TIMEOUT_MS: "400",
      STRIPE_MAX_NETWORK_RETRIES: "0",
      PAYMENT_BREAKER_THRESHOLD: "3",
      PAYMENT_BREAKER_COOLDOWN_MS: "1000",
    }),
  ),
);

const reserved = (placed: CloudEvent, expiresInMs = 60_000) =>
  InventoryReserved.create(placed.subject, { orderId: placed.subject, reservationId: `res_${placed.subject}`, lines: [{ sku: "MUG-LOGO", qty: 1 }], expiresAt: new Date(Date.now() + expiresInMs).toISOString() });
const intentsOf = async (orderId: string) => ((await (await fetch(`${sim.url}/_sim/payment_intents?order_id=${orderId}`)).json()) as { data: unknown[] }).data;
const stats = async () => (await (await fetch(`${sim.url}/_sim/stats`)).json()) as { requests: number; faults: Record<string, number> };
const paymentStatus = async (orderId: string) => ((await (await fetch(`${t.service.url}/api/payments/${orderId}`)).json()) as { status: string }).status;
const metric = async (name: string) => {
  const text = await (await fetch(`${t.service.url}/metrics`)).text();
  return [...text.matchAll(new RegExp(`^${name}(\\{[^}]*\\})? (\\d+)`, "gm"))].reduce((sum, m) => sum + Number(m[2]), 0);
};
async function pay(expiresInMs?: number) {
  const placed = orderPlaced();
  await t.bus.publish(placed);
  await t.bus.publish(reserved(placed, expiresInMs));
  return placed.subject;
}

beforeEach(() => void sim.sim.setConfig({ failureRate: 0, rateLimitRate: 0, timeoutRate: 0, latencyMs: 0, outage: false, maxFaults: null }));

describe("provider faults", () => {
  it("429 rate limits are retried by the worker with the same key: authorized once", async () => {
    sim.sim.setConfig({ rateLimitRate: 1, maxFaults: 2 });
    const orderId = await pay();
    await t.bus.waitForEvent("PAYMENTS", orderId, "PaymentAuthorized", { timeoutMs: 20_000 });
    expect(await intentsOf(orderId)).toHaveLength(1);
    expect((await stats()).faults.rate_limit).toBeGreaterThanOrEqual(2);
  });

  it("timeouts (no answer within the client timeout) are retried with the same key: authorized once", async () => {
    sim.sim.setConfig({ timeoutRate: 1, maxFaults: 2 });
    const orderId = await pay();
    await t.bus.waitForEvent("PAYMENTS", orderId, "PaymentAuthorized", { timeoutMs: 20_000 });
    expect(await intentsOf(orderId)).toHaveLength(1);
  });

  it("a slow provider within the timeout is just slow", async () => {
    sim.sim.setConfig({ latencyMs: 250 });
    const orderId = await pay();
    await t.bus.waitForEvent("PAYMENTS", orderId, "PaymentAuthorized");
    expect(await intentsOf(orderId)).toHaveLength(1);
  });

  it("an outage opens the circuit breaker; orders stay pending while the deadline allows, then all complete once", async () => {
    sim.sim.setConfig({ outage: true });
    const before = await stats();
    const orderIds = await Promise.all(Array.from({ length: 6 }, () => pay()));
    await waitFor(async () => (await metric("payment_breaker_skips_total")) > 0, { what: "the breaker to open", timeoutMs: 15_000 });
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    for (const orderId of orderIds) expect(await paymentStatus(orderId)).toBe("authorizing");
    expect((await t.bus.eventsFor("PAYMENTS", orderIds[0]!)).has("PaymentFailed")).toBe(false);
    const duringOutage = (await stats()).requests - before.requests;
    expect(duringOutage).toBeLessThan(orderIds.length * 4); // without the breaker, every order would keep calling

    sim.sim.setConfig({ outage: false });
    for (const orderId of orderIds) await t.bus.waitForEvent("PAYMENTS", orderId, "PaymentAuthorized", { timeoutMs: 30_000 });
    for (const orderId of orderIds) expect(await intentsOf(orderId)).toHaveLength(1);
  });

  it("past the reservation deadline, an outage fails the payment cleanly", async () => {
    sim.sim.setConfig({ outage: true });
    const orderId = await pay(1_500);
    const failed = await t.bus.waitForEvent("PAYMENTS", orderId, "PaymentFailed", { timeoutMs: 20_000 });
    expect(failed.data).toMatchObject({ reason: "provider_unavailable" });
    expect(await intentsOf(orderId)).toHaveLength(0);
  });
});
