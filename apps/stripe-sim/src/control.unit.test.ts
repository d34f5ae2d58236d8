import { describe, expect, it } from "vitest";
import { createStripeSim } from "./app.ts";

const auth = { Authorization: "Bearer sk_test_unit" };
const form = { ...auth, "Content-Type": "application/x-www-form-urlencoded" };

describe("control API and HTTP edges (in-process)", () => {
  it("reads and changes the config, rejecting invalid values", async () => {
    const { app, getConfig } = createStripeSim({ latencyMs: 5 });
    expect(await (await app.request("/_sim/config")).json()).toMatchObject({ latencyMs: 5, failureRate: 0 });

    const changed = await app.request("/_sim/config", { method: "POST", body: JSON.stringify({ failureRate: 0.25 }) });
    expect(await changed.json()).toMatchObject({ latencyMs: 5, failureRate: 0.25 });

    const invalid = await app.request("/_sim/config", { method: "POST", body: JSON.stringify({ failureRate: 2 }) });
    expect(invalid.status).toBe(400);
    expect(await invalid.json()).toMatchObject({ error: { code: "invalid_sim_config", param: "failureRate" } });
    expect(getConfig().failureRate).toBe(0.25);
  });

  it("rejects invalid start-up options", () => {
    expect(() => createStripeSim({ failureRate: -1 })).toThrow(/failureRate/);
  });

  it("resets state and config, or only state with keep_config", async () => {
    const { app, store, setConfig, getConfig } = createStripeSim();
    await app.request("/v1/payment_intents", { method: "POST", headers: form, body: "amount=100&currency=usd" });
    expect(store.paymentIntents.size).toBe(1);

    setConfig({ latencyMs: 1 });
    await app.request("/_sim/reset?keep_config=true", { method: "POST" });
    expect(store.paymentIntents.size).toBe(0);
    expect(getConfig().latencyMs).toBe(1);
    await app.request("/_sim/reset", { method: "POST" });
    expect(getConfig().latencyMs).toBe(0);
    expect(await (await app.request("/_sim/stats")).json()).toMatchObject({ requests: 0, payment_intents: { total: 0 } });
  });

  it("counts requests, intents by status and faults in /_sim/stats", async () => {
    const { app, setConfig } = createStripeSim({ seed: 7 });
    await app.request("/v1/payment_intents", { method: "POST", headers: form, body: "amount=100&currency=usd&payment_method=pm_card_visa&confirm=true" });
    await app.request("/v1/payment_intents", { method: "POST", headers: form, body: "amount=100&currency=usd" });
    setConfig({ rateLimitRate: 1, maxFaults: 1 });
    expect((await app.request("/v1/payment_intents", { headers: auth })).status).toBe(429);
    expect((await app.request("/v1/payment_intents", { headers: auth })).status).toBe(200);

    expect(await (await app.request("/_sim/stats")).json()).toMatchObject({
      requests: 4,
      payment_intents: { total: 2, by_status: { succeeded: 1, requires_payment_method: 1 } },
      faults: { rate_limit: 1, total: 1 },
    });
  });

  it("accepts JSON bodies, answers 404 for unknown routes and 504 for timeouts without a socket", async () => {
    const { app, setConfig } = createStripeSim();
    const created = await app.request("/v1/payment_intents", {
      method: "POST",
      headers: { ...auth, "Content-Type": "application/json" },
      body: JSON.stringify({ amount: 300, currency: "GBP", metadata: { order_id: "o" } }),
    });
    expect(await created.json()).toMatchObject({ amount: 300, currency: "gbp", metadata: { order_id: "o" } });
    expect(created.headers.get("request-id")).toMatch(/^req_/);

    const unknown = await app.request("/v1/customers", { headers: auth });
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toMatchObject({ error: { type: "invalid_request_error", code: "url_invalid" } });

    setConfig({ timeoutRate: 1, hangMs: 10 });
    expect((await app.request("/v1/payment_intents", { headers: auth })).status).toBe(504);
  });

  it("makes ids reproducible with a seed", async () => {
    const create = async (seed: number) => {
      const { app } = createStripeSim({ seed });
      const response = await app.request("/v1/payment_intents", { method: "POST", headers: form, body: "amount=100&currency=usd" });
      return ((await response.json()) as { id: string }).id;
    };
    expect(await create(1)).toBe(await create(1));
    expect(await create(1)).not.toBe(await create(2));
  });
});
