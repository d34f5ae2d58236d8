import { describe, expect, it } from "vitest";
import { createSoldOutBoard } from "./sold-out.ts";

const empty = (sku: string) => ({ sku, available: 0, problem: "out_of_stock" });

describe("the sold-out board", () => {
  it("knows a SKU inventory found empty, until the hint is older than its TTL", () => {
    const board = createSoldOutBoard({ ttlMs: 2_000 });
    board.rejected([empty("MUG")], 1_000);
    expect(board.soldOut(["MUG", "CAP"], 1_500)).toEqual(["MUG"]);
    expect(board.soldOut(["MUG"], 2_999)).toEqual(["MUG"]);
    expect(board.soldOut(["MUG"], 3_000)).toEqual([]);
    expect(board.soldOut(["MUG"], 1_500)).toEqual([]); // forgotten, not only hidden
  });

  it("refreshes on every rejection, and an older rejection arriving late does not shorten it", () => {
    const board = createSoldOutBoard({ ttlMs: 2_000 });
    board.rejected([empty("MUG")], 1_000);
    board.rejected([empty("MUG")], 2_500);
    board.rejected([empty("MUG")], 1_200);
    expect(board.soldOut(["MUG"], 4_000)).toEqual(["MUG"]);
  });

  it("learns nothing from a line that had some stock left, an unknown SKU or a TTL of 0", () => {
    const board = createSoldOutBoard({ ttlMs: 2_000 });
    board.rejected([{ sku: "MUG", available: 1, problem: "out_of_stock" }, { sku: "NOPE", available: 0, problem: "unknown_sku" }], 1_000);
    expect(board.soldOut(["MUG", "NOPE"], 1_001)).toEqual([]);
    const off = createSoldOutBoard({ ttlMs: 0 });
    off.rejected([empty("MUG")], 1_000);
    expect(off.soldOut(["MUG"], 1_000)).toEqual([]);
  });

  it("forgets a SKU as soon as a unit of it is released", () => {
    const board = createSoldOutBoard({ ttlMs: 60_000 });
    board.rejected([empty("MUG"), empty("CAP")], 1_000);
    board.released(["MUG"]);
    expect(board.soldOut(["MUG", "CAP"], 1_001)).toEqual(["CAP"]);
  });
});
