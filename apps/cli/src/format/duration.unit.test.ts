import { describe, expect, it } from "vitest";
import { formatAge, formatDuration, formatNanos, formatOffset } from "./duration.ts";

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [412, "412ms"],
    [999.6, "1000ms"],
    [1_204, "1.204s"],
    [12_345, "12.3s"],
    [59_990, "59.9s"],
    [185_000, "3m05s"],
    [7_380_000, "2h03m"],
    [7 * 86_400_000, "7d"],
    [3 * 86_400_000 + 4 * 3_600_000, "3d04h"],
    [-1_500, "-1.500s"],
  ])("%d ms → %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  it("shows a non-finite duration as -", () => {
    expect(formatDuration(Number.NaN)).toBe("-");
  });
});

describe("formatOffset, formatAge, formatNanos", () => {
  it("signs offsets", () => {
    expect(formatOffset(0)).toBe("+0ms");
    expect(formatOffset(1_204)).toBe("+1.204s");
    expect(formatOffset(-26)).toBe("-26ms");
  });

  it("says how long ago a time was, - for none", () => {
    const now = new Date("2026-01-01T12:03:05.000Z");
    expect(formatAge("2026-01-01T12:00:00.000Z", now)).toBe("3m05s ago");
    expect(formatAge(undefined, now)).toBe("-");
    expect(formatAge("not a time", now)).toBe("-");
  });

  it("reads JetStream nanoseconds, 0 being unlimited", () => {
    expect(formatNanos(7 * 86_400_000 * 1e6)).toBe("7d");
    expect(formatNanos(0)).toBe("unlimited");
  });
});
