import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderChart } from "./chart.ts";
import type { BenchResult } from "./result.ts";

export const chartSubtitle = (r: BenchResult) =>
  `${r.scenario}${r.tag ? ` ${r.tag}` : ""}, payment latency ${r.options.paymentLatencyMs} ms${r.system.pgDelayMs ? `, PostgreSQL +${r.system.pgDelayMs} ms each way` : ""}, ${r.machine.nproc} cores, ${r.startedAt.slice(0, 16)}`;

/** Writes `<out>/<scenario>[-tag]-<time>.json` (and `.svg` with `chart`); returns the paths, and sets result.chart. */
export function saveResult(result: BenchResult, { out, chart }: { out: string; chart: boolean }): { file: string; svg: string | null } {
  const stamp = result.startedAt.replace(/[:.]/g, "-");
  const name = `${result.scenario}${result.tag ? `-${result.tag.replace(/[^\w.-]+/g, "_")}` : ""}-${stamp}`;
  mkdirSync(out, { recursive: true });
  let svg: string | null = null;
  if (chart) {
    svg = join(out, `${name}.svg`);
    writeFileSync(svg, renderChart(result.phases ?? [], { subtitle: chartSubtitle(result) }));
    result.chart = svg;
  }
  const file = join(out, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  return { file, svg };
}
