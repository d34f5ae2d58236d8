import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { renderChart } from "./chart.ts";
import type { BenchResult } from "./result.ts";

export const chartSubtitle = (r: BenchResult) =>
  `${r.scenario}${r.tag ? ` ${r.tag}` : ""}, payment latency ${r.options.paymentLatencyMs} ms${r.system.pgDelayMs ? `, PostgreSQL +${r.system.pgDelayMs} ms each way` : ""}, ${r.machine.nproc} cores, ${r.startedAt.slice(0, 16)}`;

/**
 * Writes `<out>/<scenario>[-tag]-<time>.json` (and `.svg` with `chart`, `.logs.txt` with what the services
 * logged, if anything); returns the paths, and sets result.chart.
 */
export function saveResult(result: BenchResult, { out, chart }: { out: string; chart: boolean }): { file: string; svg: string | null; logs: string | null } {
  const stamp = result.startedAt.replace(/[:.]/g, "-");
  const name = `${result.scenario}${result.tag ? `-${result.tag.replace(/[^\w.-]+/g, "_")}` : ""}-${stamp}`;
  mkdirSync(out, { recursive: true });
  let svg: string | null = null;
  if (chart) {
    svg = join(out, `${name}.svg`);
    writeFileSync(svg, renderChart(result.phases ?? [], { subtitle: chartSubtitle(result) }));
    result.chart = svg;
  }
  const { serviceLogs, ...saved } = result;
  const logged = Object.entries(serviceLogs ?? {}).filter(([, text]) => text.trim() !== "");
  const logs = logged.length > 0 ? join(out, `${name}.logs.txt`) : null;
  if (logs) writeFileSync(logs, logged.map(([service, text]) => `--- ${service} ---\n${text.trimEnd()}\n`).join(""));
  const file = join(out, `${name}.json`);
  writeFileSync(file, `${JSON.stringify(saved, null, 2)}\n`);
  return { file, svg, logs };
}
