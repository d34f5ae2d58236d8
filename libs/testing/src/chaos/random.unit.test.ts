import { describe, expect, it } from "vitest";
import { seededRandom } from "./random.ts";

describe("seededRandom", () => {
  it("repeats a sequence from its seed and differs between seeds", () => {
    const a = Array.from({ length: 5 }, seededRandom(42).next);
    expect(Array.from({ length: 5 }, seededRandom(42).next)).toEqual(a);
    expect(Array.from({ length: 5 }, seededRandom(43).next)).not.toEqual(a);
    expect(a.every((x) => x >= 0 && x < 1)).toBe(true);
  });
  it("int stays within its bounds", () => {
    const r = seededRandom(1);
    const values = Array.from({ length: 1_000 }, () => r.int(2, 5));
    expect(Math.min(...values)).toBe(2);
    expect(Math.max(...values)).toBe(5);
  });
});
