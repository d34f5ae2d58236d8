import { describe, expect, it } from "vitest";
import { createStockSeen } from "./stock-seen.ts";

describe("the stock levels a transaction has seen", () => {
  it("lets only the first handler that asks for a SKU read it", () => {
    const seen = createStockSeen();
    expect(seen.claim(["A", "B"])).toEqual(["A", "B"]);
    expect(seen.claim(["B", "C"])).toEqual(["C"]);
    expect(seen.claim(["A", "C"])).toEqual([]);
  });

  it("gives the next decision the level the one before left, not what it read itself before that", () => {
    const seen = createStockSeen();
    const first = seen.levelsFor(["A"], new Map([["A", 5]]));
    expect(first).toEqual({ levels: new Map([["A", 5]]), missing: [] });
    seen.decided(first.levels, [{ sku: "A", qty: 2 }]);
    // a later handler's own read of A was sent before the first decision took its units
    expect(seen.levelsFor(["A"], new Map([["A", 5]])).levels).toEqual(new Map([["A", 3]]));
  });

  it("keeps what a refusal saw, so the next decision on that SKU reads nothing", () => {
    const seen = createStockSeen();
    seen.decided(new Map([["A", 1]]), []);
    expect(seen.levelsFor(["A"], new Map())).toEqual({ levels: new Map([["A", 1]]), missing: [] });
  });

  it("names what it knows from neither decisions nor the caller's read, to be read now (an unknown SKU every time)", () => {
    const seen = createStockSeen();
    seen.decided(new Map([["A", 4]]), [{ sku: "A", qty: 4 }]);
    expect(seen.levelsFor(["A", "B", "GHOST"], new Map([["B", 7]]))).toEqual({ levels: new Map([["A", 0], ["B", 7]]), missing: ["GHOST"] });
    expect(seen.levelsFor(["GHOST"], new Map()).missing).toEqual(["GHOST"]);
  });

  it("offers units a release gave back to the decisions after it", () => {
    const seen = createStockSeen();
    seen.decided(new Map([["A", 2]]), [{ sku: "A", qty: 2 }]);
    seen.returned([{ sku: "A", qty: 3 }, { sku: "B", qty: 1 }]);
    // B has no level here: the next decision takes B from a read of its row
    expect(seen.levelsFor(["A", "B"], new Map())).toEqual({ levels: new Map([["A", 3]]), missing: ["B"] });
  });

  it("keeps a release that came while a decision waited for a read of another SKU", () => {
    const seen = createStockSeen();
    seen.decided(new Map([["A", 1]]), []);
    const { levels } = seen.levelsFor(["A", "B"], new Map([["B", 4]])); // A: 1, as the decision sees it
    seen.returned([{ sku: "A", qty: 2 }]); // meanwhile
    seen.decided(levels, [{ sku: "A", qty: 1 }, { sku: "B", qty: 1 }]);
    expect(seen.levelsFor(["A", "B"], new Map()).levels).toEqual(new Map([["A", 2], ["B", 3]]));
  });

  it("refuses a decision that took a SKU whose level it did not see", () => {
    const seen = createStockSeen();
    expect(() => seen.decided(new Map([["A", 3]]), [{ sku: "B", qty: 1 }])).toThrow(/took B without seeing its level/);
  });
});
