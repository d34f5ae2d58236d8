import { describe, expect, it } from "vitest";
import { cleanSystem, intent } from "../test-fixtures.ts";
import { checkMoney, heldMoney } from "./money.ts";

const run = (data: ReturnType<typeof cleanSystem>) => checkMoney(data.intents, data.orders, data.payments, data.settleSeconds);

describe("check 4: money", () => {
  it("passes: COMPLETED captured its total once, CANCELLED declined holds nothing", () => {
    expect(run(cleanSystem())).toMatchObject({ ok: true, checked: "2 PaymentIntents, 2 payments" });
  });

  it("finds a COMPLETED order captured for another amount than its total", () => {
    const data = cleanSystem();
    data.completed.total = 2_500;
    expect(run(data).violations).toEqual([`order ${data.completed.id} is COMPLETED for USD 25.00 but USD 24.00 was captured (pi_${data.completed.id.slice(-4)})`]);
  });

  it("finds a second PaymentIntent for one order, and a COMPLETED order never captured or partly refunded", () => {
    const data = cleanSystem();
    data.intents.push(intent(data.completed, { id: "pi_again", status: "requires_capture", amountCaptured: 0 }));
    const twice = run(data);
    expect(twice.violations[0]).toBe(`order ${data.completed.id} has 2 PaymentIntents (pi_${data.completed.id.slice(-4)}, pi_again): created more than once`);

    const fresh = cleanSystem();
    fresh.intents[0] = intent(fresh.completed, { status: "requires_capture", amountCaptured: 0 });
    expect(run(fresh).violations[0]).toMatch(/is COMPLETED but its PaymentIntent pi_\w+ requires_capture .* is not captured/);
    fresh.intents[0] = intent(fresh.completed, { amountRefunded: 400 });
    expect(run(fresh).violations).toEqual([`order ${fresh.completed.id} is COMPLETED but USD 4.00 was refunded (pi_${fresh.completed.id.slice(-4)})`]);
  });

  it("finds a CANCELLED order still holding an authorization or an unrefunded capture", () => {
    const data = cleanSystem();
    data.intents[1] = intent(data.cancelled, { status: "requires_capture", amountCaptured: 0 });
    expect(run(data).violations).toEqual([expect.stringContaining(`order ${data.cancelled.id} is CANCELLED but still holds USD 18.00`)]);
    data.intents[1] = intent(data.cancelled, { amountRefunded: 800 });
    expect(run(data).violations).toEqual([expect.stringContaining("still holds USD 10.00")]);
    data.intents[1] = intent(data.cancelled, { amountRefunded: 1_800 });
    expect(run(data).ok).toBe(true);
    data.intents[1] = intent(data.cancelled, { status: "canceled", amountCaptured: 0 });
    expect(run(data).ok).toBe(true);
  });

  it("finds money held for an unknown order and a step parked for an operator", () => {
    const data = cleanSystem();
    data.intents.push({ id: "pi_orphan", orderId: "ghost", status: "requires_capture", amount: 100, currency: "usd", amountCaptured: 0, amountRefunded: 0 });
    data.payments[0] = { ...data.payments[0]!, status: "parked", failureMessage: "payment intent is canceled" };
    expect(run(data).violations).toEqual([
      expect.stringMatching(/^PaymentIntent pi_orphan requires_capture .* of order ghost, which orders does not know, holds money$/),
      `payment of order ${data.completed.id} is parked for an operator: payment intent is canceled`,
    ]);
  });

  it("heldMoney: an authorization holds its amount, a capture what was not refunded", () => {
    const base = { id: "pi", orderId: "o", amount: 1_000, currency: "usd", amountCaptured: 0, amountRefunded: 0 };
    expect(heldMoney({ ...base, status: "requires_capture" })).toBe(1_000);
    expect(heldMoney({ ...base, status: "succeeded", amountCaptured: 1_000, amountRefunded: 250 })).toBe(750);
    expect(heldMoney({ ...base, status: "canceled" })).toBe(0);
    expect(heldMoney({ ...base, status: "requires_payment_method" })).toBe(0);
  });
});
