import { describe, expect, it } from "vitest";
import { decideReservation, mergeLines } from "./reserve.ts";

const stock = new Map([["A", 5], ["B", 0], ["C", 2]]);

describe("decideReservation", () => {
  it("reserves every line when all are available", () => {
    expect(decideReservation(stock, [{ sku: "C", qty: 2 }, { sku: "A", qty: 5 }])).toEqual({ ok: true, lines: [{ sku: "A", qty: 5 }, { sku: "C", qty: 2 }] });
  });

  it("refuses the whole order when one line is short, naming it", () => {
    expect(decideReservation(stock, [{ sku: "A", qty: 1 }, { sku: "C", qty: 3 }])).toEqual({
      ok: false,
      reason: "out_of_stock",
      lines: [{ sku: "C", requested: 3, available: 2, problem: "out_of_stock" }],
    });
  });

  it("counts repeated lines of one SKU together", () => {
    const decision = decideReservation(stock, [{ sku: "C", qty: 1 }, { sku: "C", qty: 2 }]);
    expect(decision).toMatchObject({ ok: false, lines: [{ sku: "C", requested: 3 }] });
  });

  it("names unknown SKUs and prefers that reason", () => {
    expect(decideReservation(stock, [{ sku: "B", qty: 1 }, { sku: "NOPE", qty: 1 }])).toMatchObject({
      ok: false,
      reason: "unknown_sku",
      lines: [{ sku: "B", problem: "out_of_stock" }, { sku: "NOPE", problem: "unknown_sku", available: 0 }],
    });
  });

  it("sorts merged lines by SKU so locks are always taken in one order", () => {
    expect(mergeLines([{ sku: "Z", qty: 1 }, { sku: "A", qty: 1 }, { sku: "Z", qty: 1 }])).toEqual([{ sku: "A", qty: 1 }, { sku: "Z", qty: 2 }]);
  });
});
