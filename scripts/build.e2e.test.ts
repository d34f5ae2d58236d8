import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { shopper, startSystem, type TestSystem } from "@checkout/testing";
import { BUILT_SERVICES, buildServices, bundlePath } from "./build.ts";

// The bundles of `npm run build` are what the production image and the benchmark run (ADR 0006); the
// other tests run the sources through tsx. This runs the whole system from the bundles.

const ROOT = fileURLToPath(new URL("../", import.meta.url));
let system: TestSystem;
let shop: ReturnType<typeof shopper>;

beforeAll(async () => {
  await buildServices();
  system = await startSystem({ label: "built", built: true });
  shop = shopper({ orders: system.url("orders"), inventory: system.url("inventory"), stripe: system.url("stripe-sim") });
});

afterAll(async () => {
  await system?.stop();
});

const mailsOf = async (orderId: string) => {
  const body = (await (await fetch(`${system.url("notifications")}/api/mailbox?orderId=${orderId}`)).json()) as { items: Array<{ kind: string }> };
  return body.items.map((mail) => mail.kind).sort();
};

describe("the services built by npm run build", () => {
  it("bundle the workspace's own code and import npm packages from node_modules", () => {
    for (const service of BUILT_SERVICES) {
      const bundle = readFileSync(`${ROOT}${bundlePath(service)}`, "utf8");
      expect(bundle, service).not.toMatch(/from "@checkout\//);
      expect(bundle, service).toMatch(/from "(hono|@hono\/node-server)"/);
    }
  });

  it("carry a checkout to COMPLETED and a declined card to CANCELLED, with their mails", async () => {
    await shop.setStock("MUG-LOGO", 5);
    const paid = await shop.json(await shop.checkout(await shop.cartWith([{ sku: "MUG-LOGO", qty: 2 }])));
    const declined = await shop.json(await shop.checkout(await shop.cartWith([{ sku: "MUG-LOGO", qty: 1 }]), { paymentMethod: "pm_card_chargeDeclined" }));

    expect(await shop.waitForStatus(paid.orderId)).toMatchObject({ status: "COMPLETED" });
    expect(await shop.waitForStatus(declined.orderId)).toMatchObject({ status: "CANCELLED", cancelReason: "payment_declined" });
    expect(await shop.stockOf("MUG-LOGO")).toMatchObject({ onHand: 3, reserved: 0 });
    expect((await shop.intentsOf(paid.orderId))[0]).toMatchObject({ status: "succeeded", amount_captured: paid.total.amount });
    await expect.poll(() => mailsOf(paid.orderId), { timeout: 15_000 }).toEqual(["confirmed", "shipped"]);
    await expect.poll(() => mailsOf(declined.orderId), { timeout: 15_000 }).toEqual(["cancelled"]);
    // every service's routes fit hono's RegExpRouter (runService warns at start-up when one does not)
    for (const [name, service] of Object.entries(system.services)) expect(service.output(), name).not.toContain("fall back to its TrieRouter");
  });
});
