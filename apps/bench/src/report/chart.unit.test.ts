import { describe, expect, it } from "vitest";
import { escapeXml, logTicks, niceTicks, renderChart } from "./chart.ts";
import type { RatePoint } from "./result.ts";

const point = (rate: number, completed: number, e2eP99: number): RatePoint => ({
  rate,
  durationS: 10,
  offered: rate * 10,
  acceptedPerSec: rate,
  completedPerSec: completed,
  acceptanceMs: { p50: 3, p99: 20 },
  e2eMs: { p50: e2eP99 / 2, p99: e2eP99 },
});

describe("axis ticks", () => {
  it("nice linear ticks cover the maximum in steps of 1, 2 or 5 × 10^k", () => {
    expect(niceTicks(950, 5)).toEqual([0, 200, 400, 600, 800, 1_000]);
    expect(niceTicks(7, 5)).toEqual([0, 2, 4, 6, 8]);
  });
  it("log ticks are the powers of ten around the data", () => {
    expect(logTicks(3, 4_000)).toEqual([1, 10, 100, 1_000, 10_000]);
  });
});

describe("renderChart", () => {
  const svg = renderChart([point(400, 390, 900), point(100, 100, 400), point(200, 200, 500)], { subtitle: "ramp <seed 1>" });

  it("is one standalone SVG document with both panels and every series in the legend", () => {
    expect(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\"")).toBe(true);
    expect(svg.trimEnd().endsWith("</svg>")).toBe(true);
    for (const label of ["Throughput", "Latency (log scale)", "accepted/s", "completed/s", "offered", "accept p99", "e2e p50", "e2e p99", "arrival rate"]) expect(svg).toContain(label);
    expect(svg).toContain("ramp &lt;seed 1&gt;");
  });

  it("draws one line per series (3 throughput + 4 latency) through the points in rate order", () => {
    const lines = [...svg.matchAll(/<polyline points="([^"]+)"/g)].map((m) => m[1]!.split(" ").map((c) => Number(c.split(",")[0])));
    expect(lines).toHaveLength(7);
    for (const xs of lines) {
      expect(xs).toHaveLength(3);
      expect([...xs].sort((a, b) => a - b)).toEqual(xs);
    }
  });

  it("escapes XML", () => expect(escapeXml(`a<b & "c"`)).toBe("a&lt;b &amp; &quot;c&quot;"));
});
