import { describe, expect, it } from "vitest";
import { cleanSystem, order, reservation } from "../test-fixtures.ts";
import { checkStock } from "./stock.ts";

const run = (data: ReturnType<typeof cleanSystem>) => checkStock(data.stock, data.reservations, data.orders, data.settleSeconds);

describe("check 2: no SKU oversold", () => {
  it("passes on a consistent system", () => {
    expect(run(cleanSystem())).toMatchObject({ ok: true, count: 0, checked: "2 SKUs, 2 reservations" });
  });

  it("finds reserved above on hand, and reserved not matching the held reservations", () => {
    const data = cleanSystem();
    data.stock[0] = { sku: "MUG-LOGO", onHand: 1, reserved: 3 };
    const check = run(data);
    expect(check.violations).toEqual(["SKU MUG-LOGO: reserved 3 > on hand 1", "SKU MUG-LOGO: reserved is 3 but the held reservations hold 0"]);
  });

  it("counts the held reservations of orders in flight toward reserved", () => {
    const data = cleanSystem();
    const pending = order({ status: "PENDING", quietSeconds: 1, lines: [{ sku: "CAP-NAVY", qty: 2 }] });
    data.orders.push(pending);
    data.reservations.push(reservation(pending, "held"));
    expect(run(data).violations).toEqual(["SKU CAP-NAVY: reserved is 0 but the held reservations hold 2"]);
    data.stock[1]!.reserved = 2;
    expect(run(data).ok).toBe(true);
  });

  it("finds a COMPLETED order whose stock inventory never committed (orders and inventory disagree)", () => {
    const data = cleanSystem();
    data.reservations[0] = reservation(data.completed, "released");
    const check = run(data);
    expect(check.violations).toEqual([
      `order ${data.completed.id} is COMPLETED but its reservation res_${data.completed.id.slice(-4)} is released, not committed`,
      "SKU MUG-LOGO: inventory committed 0 units, orders sold 2 (COMPLETED and CONFIRMED)",
    ]);
  });

  it("finds a CANCELLED order whose committed stock was never put back", () => {
    const data = cleanSystem();
    data.reservations[1] = reservation(data.cancelled, "committed");
    expect(run(data).violations).toEqual([
      `order ${data.cancelled.id} is CANCELLED but its reservation res_${data.cancelled.id.slice(-4)} is still committed (stock not put back)`,
      "SKU CAP-NAVY: inventory committed 1 units, orders sold 0 (COMPLETED and CONFIRMED)",
    ]);
  });

  it("finds committed lines that differ from the order's, and stock committed for an order nobody knows", () => {
    const data = cleanSystem();
    data.reservations[0] = reservation(data.completed, "committed", { lines: [{ sku: "MUG-LOGO", qty: 3 }] });
    data.reservations.push({ id: "res_ghost", orderId: "ghost-order", status: "committed", lines: [{ sku: "CAP-NAVY", qty: 1 }] });
    const check = run(data);
    expect(check.violations).toContain(`order ${data.completed.id} sold MUG-LOGO×2 but its reservation committed MUG-LOGO×3`);
    expect(check.violations).toContain("reservation res_ghost is committed for order ghost-order, which orders does not know");
    expect(check.violations).toContain("SKU MUG-LOGO: inventory committed 3 units, orders sold 2 (COMPLETED and CONFIRMED)");
  });

  it("counts a quiet CONFIRMED order as sold, and leaves a CONFIRMED order that just changed out", () => {
    const data = cleanSystem();
    const confirmed = order({ status: "CONFIRMED", lines: [{ sku: "CAP-NAVY", qty: 1 }] });
    data.orders.push(confirmed);
    data.reservations.push(reservation(confirmed, "committed"));
    expect(run(data).ok).toBe(true);
    data.reservations[2] = reservation(confirmed, "held");
    data.stock[1]!.reserved = 1;
    expect(run(data).violations).toContain(`order ${confirmed.id} is CONFIRMED but its reservation res_${confirmed.id.slice(-4)} is held, not committed`);
    confirmed.quietSeconds = 2; // it just got confirmed: inventory commits in a moment
    expect(run(data).ok).toBe(true);
  });
});
