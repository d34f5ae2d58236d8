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

  it("takes no rejection that is already older than the TTL when it arrives", () => {
    const board = createSoldOutBoard({ ttlMs: 2_000 });
    board.rejected([empty("MUG")], 1_000, 3_000);
    expect(board.soldOut(["MUG"], 3_000)).toEqual([]);
  });

  describe("with a recheck", () => {
    const answers = () => {
      const asked: Array<{ sku: string; answer(available: number | null): Promise<void> }> = [];
      const recheck = (sku: string) =>
        new Promise<number | null>((resolve) => {
          asked.push({ sku, answer: async (available) => (resolve(available), await new Promise((done) => setTimeout(done, 0))) });
        });
      return { asked, recheck };
    };

    it("keeps an aged SKU refused while it asks inventory, once however many checkouts come, and renews it on 0 available as of the question", async () => {
      const { asked, recheck } = answers();
      const board = createSoldOutBoard({ ttlMs: 2_000, recheck });
      board.rejected([empty("MUG")], 1_000);
      expect(board.soldOut(["MUG"], 3_000)).toEqual(["MUG"]);
      expect(board.soldOut(["MUG"], 3_100)).toEqual(["MUG"]);
      expect(asked.map((a) => a.sku)).toEqual(["MUG"]);
      await asked[0]!.answer(0);
      expect(board.soldOut(["MUG"], 4_999)).toEqual(["MUG"]);
      expect(asked).toHaveLength(1); // renewed as of 3,000: no question before 5,000
      expect(board.soldOut(["MUG"], 5_000)).toEqual(["MUG"]);
      expect(asked).toHaveLength(2);
    });

    it("lets an aged SKU go when inventory has units again (a restock) or cannot say", async () => {
      for (const answer of [3, null]) {
        const { asked, recheck } = answers();
        const board = createSoldOutBoard({ ttlMs: 2_000, recheck });
        board.rejected([empty("MUG")], 1_000);
        expect(board.soldOut(["MUG"], 3_000)).toEqual(["MUG"]);
        await asked[0]!.answer(answer);
        expect(board.soldOut(["MUG"], 3_001)).toEqual([]);
      }
    });

    it.each([
      { failure: "rejects", recheck: async () => Promise.reject(new Error("down")), waitMs: 0 },
      {
        failure: "throws before it returns a promise",
        recheck: () => {
          throw new Error("bug");
        },
        waitMs: 0,
      },
      { failure: "never settles (after questionMs)", recheck: () => new Promise<number | null>(() => {}), waitMs: 60 },
    ])("a question that $failure lets the SKU go, as an answer of 'cannot say'", async ({ recheck, waitMs }) => {
      const board = createSoldOutBoard({ ttlMs: 2_000, recheck, questionMs: 50 });
      board.rejected([empty("MUG")], 1_000);
      expect(board.soldOut(["MUG"], 3_000)).toEqual(["MUG"]);
      await new Promise((done) => setTimeout(done, waitMs));
      await new Promise((done) => setTimeout(done, 0));
      expect(board.soldOut(["MUG"], 3_001)).toEqual([]);
    });

    it("a release heard while it asks wins over an answer of 0; a rejection heard meanwhile wins over an answer of units", async () => {
      const { asked, recheck } = answers();
      const board = createSoldOutBoard({ ttlMs: 2_000, recheck });
      board.rejected([empty("MUG"), empty("CAP")], 1_000);
      expect(board.soldOut(["MUG", "CAP"], 3_000)).toEqual(["MUG", "CAP"]);
      board.released(["MUG"]);
      board.rejected([empty("CAP")], 3_050);
      await asked[0]!.answer(0);
      await asked[1]!.answer(4);
      expect(board.soldOut(["MUG", "CAP"], 3_100)).toEqual(["CAP"]);
    });
  });
});
