import { describe, expect, it } from "vitest";
import { oversoldUnits, unitsBySku } from "./sold.ts";

describe("oversold units", () => {
  it("is 0 when every SKU sold at most its stock", () => {
    expect(oversoldUnits({ A: 5, B: 1 }, { A: 5, B: 0 })).toEqual({ total: 0, bySku: {} });
  });
  it("counts the units sold beyond the stock, and every unit of a SKU that had none", () => {
    expect(oversoldUnits({ A: 100 }, { A: 102, Z: 1 })).toEqual({ total: 3, bySku: { A: 2, Z: 1 } });
  });
  it("adds up the lines of the orders", () => {
    expect(unitsBySku([{ lines: [{ sku: "A", qty: 2 }, { sku: "B", qty: 1 }] }, { lines: [{ sku: "A", qty: 1 }] }])).toEqual({ A: 3, B: 1 });
  });
});
