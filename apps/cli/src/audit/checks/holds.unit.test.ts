import { describe, expect, it } from "vitest";
import { cleanSystem, order, reservation } from "../test-fixtures.ts";
import { checkHolds } from "./holds.ts";

const run = (data: ReturnType<typeof cleanSystem>) => checkHolds(data.holds, data.reservations, data.orders, data.settleSeconds);

describe("check 3: holds = live reservations", () => {
  it("passes when the KV keys are exactly the held reservations", () => {
    const data = cleanSystem();
    const pending = order({ status: "PENDING" });
    data.orders.push(pending);
    data.reservations.push(reservation(pending, "held"));
    data.holds = [pending.id];
    expect(run(data)).toMatchObject({ ok: true, checked: "1 held reservation, 1 KV key" });
  });

  it("finds a held reservation missing from the bucket and a stale key", () => {
    const data = cleanSystem();
    const pending = order({ status: "PENDING" });
    data.orders.push(pending);
    data.reservations.push(reservation(pending, "held"));
    data.holds = [data.cancelled.id];
    expect(run(data).violations).toEqual([
      `order ${pending.id}: reservation res_${pending.id.slice(-4)} is held but the KV bucket has no key for it`,
      `order ${data.cancelled.id}: the KV bucket has a hold, but inventory holds nothing for it`,
    ]);
  });

  it("finds a CANCELLED order that still holds stock", () => {
    const data = cleanSystem();
    data.reservations[1] = reservation(data.cancelled, "held");
    data.holds = [data.cancelled.id];
    expect(run(data).violations).toEqual([`order ${data.cancelled.id} is CANCELLED but still holds stock (reservation res_${data.cancelled.id.slice(-4)} is held)`]);
  });

  it("forgives the projection lagging behind an order that just changed, and reports a missing bucket", () => {
    const data = cleanSystem();
    const pending = order({ status: "PENDING", quietSeconds: 0.2 });
    data.orders.push(pending);
    data.reservations.push(reservation(pending, "held"));
    expect(run(data).ok).toBe(true);
    data.holds = null;
    expect(run(data).violations).toEqual(["the KV bucket reservations does not exist, but 1 reservation is held"]);
  });
});
