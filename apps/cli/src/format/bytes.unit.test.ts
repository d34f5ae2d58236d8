import { describe, expect, it } from "vitest";
import { formatBytes, formatCount } from "./bytes.ts";

describe("formatBytes / formatCount", () => {
  it.each([
    [0, "0 B"],
    [236, "236 B"],
    [1_536, "1.5 KiB"],
    [3_789, "3.7 KiB"],
    [12 * 1024 * 1024, "12 MiB"],
    [1024 ** 3, "1 GiB"],
  ])("%d bytes → %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it("groups counts", () => {
    expect(formatCount(1234567)).toBe("1,234,567");
  });
});
