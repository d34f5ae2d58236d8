import { describe, expect, it } from "vitest";
import { createBatcher } from "./batcher.ts";

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("createBatcher", () => {
  it("runs the calls of one turn as one batch, and each caller gets its own result", async () => {
    const batches: number[][] = [];
    const double = createBatcher<number, number>({ run: async (items) => (batches.push(items), items.map((n) => n * 2)) });
    expect(await Promise.all([1, 2, 3].map((n) => double(n)))).toEqual([2, 4, 6]);
    expect(await double(5)).toBe(10);
    expect(batches).toEqual([[1, 2, 3], [5]]);
  });

  it("keeps at most `concurrency` batches running; what arrives meanwhile forms the next batch", async () => {
    const batches: number[][] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const slow = createBatcher<number, number>({ concurrency: 1, run: async (items) => (batches.push(items), await gate, items) });
    const first = slow(1);
    await tick();
    const later = [slow(2), slow(3), slow(4)];
    await tick();
    expect(batches).toEqual([[1]]);
    release();
    expect(await Promise.all([first, ...later])).toEqual([1, 2, 3, 4]);
    expect(batches).toEqual([[1], [2, 3, 4]]);
  });

  it("cuts batches at maxBatch", async () => {
    const sizes: number[] = [];
    const run = createBatcher<number, number>({ maxBatch: 2, concurrency: 3, run: async (items) => (sizes.push(items.length), items) });
    await Promise.all([1, 2, 3, 4, 5].map((n) => run(n)));
    expect(sizes).toEqual([2, 2, 1]);
  });

  it("when a batch fails, runs each item alone: only the bad one fails", async () => {
    const batches: number[][] = [];
    const run = createBatcher<number, number>({
      run: async (items) => {
        batches.push(items);
        if (items.includes(13)) throw new Error("unlucky");
        return items;
      },
    });
    const results = await Promise.allSettled([12, 13, 14].map((n) => run(n)));
    expect(results.map((r) => (r.status === "fulfilled" ? r.value : (r.reason as Error).message))).toEqual([12, "unlucky", 14]);
    expect(batches).toEqual([[12, 13, 14], [12], [13], [14]]);
  });
});
