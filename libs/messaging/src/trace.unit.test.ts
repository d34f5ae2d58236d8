import { describe, expect, it } from "vitest";
import { childTraceparent, traceIdOf } from "./trace.ts";

const FORMAT = /^00-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$/;

describe("childTraceparent", () => {
  it("starts a new trace, sampled, when there is no parent or it is malformed", () => {
    for (const parent of [undefined, null, "", "01-abc", `00-${"a".repeat(31)}-${"b".repeat(16)}-01`]) {
      const traceparent = childTraceparent(parent);
      expect(traceparent).toMatch(FORMAT);
      expect(traceparent.endsWith("-01")).toBe(true);
    }
  });

  it("keeps the parent's trace id and flags, with a span of its own", () => {
    const parent = `00-${"4bf92f3577b34da6a3ce929d0e0e4736"}-${"00f067aa0ba902b7"}-00`;
    const child = childTraceparent(parent);
    expect(child).toMatch(FORMAT);
    expect(traceIdOf(child)).toBe("4bf92f3577b34da6a3ce929d0e0e4736");
    expect(child.endsWith("-00")).toBe(true);
    expect(child.split("-")[2]).not.toBe("00f067aa0ba902b7");
  });

  it("never hands out the same ids twice, across many refills of its random bytes", () => {
    const roots = Array.from({ length: 2_000 }, () => childTraceparent());
    const traces = new Set(roots.map((t) => t.split("-")[1]));
    const spans = new Set(roots.map((t) => t.split("-")[2]));
    expect(traces.size).toBe(roots.length);
    expect(spans.size).toBe(roots.length);
    expect(roots.every((t) => FORMAT.test(t))).toBe(true);
  });
});
