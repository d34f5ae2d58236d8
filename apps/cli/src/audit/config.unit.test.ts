import { describe, expect, it } from "vitest";
import { CliError } from "../errors.ts";
import { auditConfig } from "./config.ts";

describe("checkout audit's settings", () => {
  it("defaults to the local stack", () => {
    expect(auditConfig({}, {})).toEqual({
      ORDERS_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/checkout_orders",
      INVENTORY_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/checkout_inventory",
      PAYMENTS_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/checkout_payments",
      SHIPPING_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/checkout_shipping",
      NOTIFICATIONS_DATABASE_URL: "postgres://postgres@127.0.0.1:5432/checkout_notifications",
      STRIPE_SIM_URL: "http://127.0.0.1:12111",
      AUDIT_SETTLE_SECONDS: 60,
    });
  });

  it("takes the environment, and a flag over the environment", () => {
    const env = { ORDERS_DATABASE_URL: "postgres://env/orders", STRIPE_SIM_URL: "http://sim:1", AUDIT_SETTLE_SECONDS: "5" };
    expect(auditConfig({}, env)).toMatchObject({ ORDERS_DATABASE_URL: "postgres://env/orders", STRIPE_SIM_URL: "http://sim:1", AUDIT_SETTLE_SECONDS: 5 });
    expect(auditConfig({ ordersDb: "postgres://flag/orders", settleSeconds: "0" }, env)).toMatchObject({ ORDERS_DATABASE_URL: "postgres://flag/orders", AUDIT_SETTLE_SECONDS: 0 });
  });

  it("refuses a bad value with a usage error naming the flag and the variable", () => {
    const bad = (run: () => unknown) => {
      try {
        run();
      } catch (error) {
        return error as CliError;
      }
      throw new Error("accepted");
    };
    const url = bad(() => auditConfig({ paymentsDb: "mysql://x" }, {}));
    expect(url).toBeInstanceOf(CliError);
    expect(url.exitCode).toBe(2);
    expect(url.message).toContain("--payments-db / PAYMENTS_DATABASE_URL: must be a postgres:// URL");
    expect(bad(() => auditConfig({ settleSeconds: "-1" }, {})).message).toContain("--settle-seconds / AUDIT_SETTLE_SECONDS:");
  });
});
