import type { RatePoint } from "./result.ts";

const W = 900;
const PANEL_H = 230;
const M = { left: 70, right: 170, top: 50, gap: 70, bottom: 50 };
const H = M.top + PANEL_H * 2 + M.gap + M.bottom;
const plotW = W - M.left - M.right;

export const escapeXml = (text: string) => text.replace(/[<>&"']/g, (c) => `&${({ "<": "lt", ">": "gt", "&": "amp", '"': "quot", "'": "apos" } as const)[c as "<"]};`);

/** Round tick values from 0 to at least `max`: steps of 1, 2 or 5 × 10^k. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let v = 0; v < max + step; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

/** Powers of ten covering [min, max] for a log axis. */
export function logTicks(min: number, max: number): number[] {
  const lo = Math.floor(Math.log10(Math.max(min, 0.1)));
  const hi = Math.ceil(Math.log10(Math.max(max, 1)));
  return Array.from({ length: hi - lo + 1 }, (_, i) => 10 ** (lo + i));
}

interface Series {
  label: string;
  color: string;
  dashed?: boolean;
  values: number[];
}

function panel({ top, title, yLabel, xMax, xs, series, log }: { top: number; title: string; yLabel: string; xMax: number; xs: number[]; series: Series[]; log: boolean }): string {
  const all = series.flatMap((s) => s.values).filter((v) => Number.isFinite(v) && (!log || v > 0));
  const yTicks = log ? logTicks(Math.min(...all, 1), Math.max(...all, 10)) : niceTicks(Math.max(...all, 1));
  const yMin = log ? yTicks[0]! : 0;
  const yMax = yTicks[yTicks.length - 1]!;
  const x = (v: number) => M.left + (v / xMax) * plotW;
  const y = (v: number) => (log ? top + PANEL_H - ((Math.log10(v) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin))) * PANEL_H : top + PANEL_H - (v / yMax) * PANEL_H);
  const parts: string[] = [`<text x="${M.left}" y="${top - 12}" class="title">${escapeXml(title)}</text>`];
  for (const tick of yTicks) {
    parts.push(`<line x1="${M.left}" x2="${M.left + plotW}" y1="${y(tick).toFixed(1)}" y2="${y(tick).toFixed(1)}" class="grid"/>`);
    parts.push(`<text x="${M.left - 8}" y="${(y(tick) + 4).toFixed(1)}" text-anchor="end">${tick.toLocaleString("en-US")}</text>`);
  }
  for (const tick of niceTicks(xMax, 6).filter((t) => t <= xMax)) {
    parts.push(`<text x="${x(tick).toFixed(1)}" y="${top + PANEL_H + 18}" text-anchor="middle">${tick.toLocaleString("en-US")}</text>`);
  }
  parts.push(`<rect x="${M.left}" y="${top}" width="${plotW}" height="${PANEL_H}" class="frame"/>`);
  parts.push(`<text transform="translate(${M.left - 52},${top + PANEL_H / 2}) rotate(-90)" text-anchor="middle">${escapeXml(yLabel)}</text>`);
  series.forEach((s, i) => {
    const points = xs.map((xv, j) => [xv, s.values[j]!] as const).filter(([, v]) => Number.isFinite(v) && (!log || v > 0));
    const coords = points.map(([xv, v]) => `${x(xv).toFixed(1)},${y(Math.min(v, yMax)).toFixed(1)}`);
    if (coords.length > 1) parts.push(`<polyline points="${coords.join(" ")}" fill="none" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    for (const c of coords) parts.push(`<circle cx="${c.split(",")[0]}" cy="${c.split(",")[1]}" r="3.5" fill="${s.color}"/>`);
    const ly = top + 14 + i * 20;
    parts.push(`<line x1="${M.left + plotW + 14}" x2="${M.left + plotW + 38}" y1="${ly - 4}" y2="${ly - 4}" stroke="${s.color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ""}/>`);
    parts.push(`<text x="${M.left + plotW + 44}" y="${ly}">${escapeXml(s.label)}</text>`);
  });
  return parts.join("\n");
}

/**
 * Throughput (accepted/s, completed/s, and the offered rate for reference) and latency (p50/p99 of
 * acceptance and end to end, log scale) against the arrival rate: one point per ramp step or steady run.
 */
export function renderChart(points: RatePoint[], { title = "Checkout saga: throughput and latency against arrival rate", subtitle = "" } = {}): string {
  const sorted = [...points].sort((a, b) => a.rate - b.rate);
  const xs = sorted.map((p) => p.rate);
  const xMax = niceTicks(Math.max(...xs, 1), 6).find((t) => t >= Math.max(...xs, 1))!;
  const throughput = panel({
    top: M.top,
    title: "Throughput",
    yLabel: "orders / s",
    xMax,
    xs,
    log: false,
    series: [
      { label: "offered", color: "#9e9e9e", dashed: true, values: xs },
      { label: "accepted/s", color: "#1f77b4", values: sorted.map((p) => p.acceptedPerSec) },
      { label: "completed/s", color: "#2ca02c", values: sorted.map((p) => p.completedPerSec) },
    ],
  });
  const latency = panel({
    top: M.top + PANEL_H + M.gap,
    title: "Latency (log scale)",
    yLabel: "ms",
    xMax,
    xs,
    log: true,
    series: [
      { label: "accept p50", color: "#1f77b4", dashed: true, values: sorted.map((p) => p.acceptanceMs.p50) },
      { label: "accept p99", color: "#1f77b4", values: sorted.map((p) => p.acceptanceMs.p99) },
      { label: "e2e p50", color: "#2ca02c", dashed: true, values: sorted.map((p) => p.e2eMs.p50) },
      { label: "e2e p99", color: "#2ca02c", values: sorted.map((p) => p.e2eMs.p99) },
    ],
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    "<style>.grid{stroke:#e5e5e5}.frame{fill:none;stroke:#444}.title{font-size:14px;font-weight:bold}</style>",
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="16" font-weight="bold">${escapeXml(title)}</text>`,
    subtitle ? `<text x="${W / 2}" y="40" text-anchor="middle" fill="#555">${escapeXml(subtitle)}</text>` : "",
    throughput,
    latency,
    `<text x="${M.left + plotW / 2}" y="${H - 12}" text-anchor="middle">arrival rate (orders / s)</text>`,
    "</svg>",
    "",
  ].join("\n");
}
