import type { ResourceSample } from "./resources.ts";

export interface ResourceSummary {
  /** highest RSS seen per process, MB */
  peakRssMb: Record<string, number>;
  /** CPU used per process during the window, in cores (1.0 = one core busy all the time) */
  cpuCores: Record<string, number>;
  /** CPU-seconds used per process during the window */
  cpuSeconds: Record<string, number>;
  /** the machine's busy share of all its cores during the window, and the highest 1-minute load */
  machineBusy: number;
  peakLoad1: number;
  /** cores busy with work that is not the run's processes (other test suites, ...): machine − ours */
  foreignCores: number;
}

const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

/** Peak RSS over every sample; CPU and machine load over the samples inside [from, to]. */
export function summarizeResources(samples: ResourceSample[], from: number, to: number, nproc = 1): ResourceSummary {
  const peakRssMb: Record<string, number> = {};
  for (const sample of samples) {
    for (const [name, bytes] of Object.entries(sample.rssBytes)) if (Number.isFinite(bytes)) peakRssMb[name] = Math.max(peakRssMb[name] ?? 0, mb(bytes));
  }
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  // per process, its first and last sample inside the window: a /metrics that timed out once leaves a gap, not a hole
  const cpuCores: Record<string, number> = {};
  const cpuSeconds: Record<string, number> = {};
  const names = new Set(inside.flatMap((s) => Object.keys(s.cpuSeconds)));
  for (const name of names) {
    const having = inside.filter((s) => s.cpuSeconds[name] !== undefined);
    const first = having[0];
    const last = having[having.length - 1];
    if (first && last && last.t > first.t) {
      const used = last.cpuSeconds[name]! - first.cpuSeconds[name]!;
      cpuSeconds[name] = Math.round(used * 100) / 100;
      cpuCores[name] = Math.round((used / ((last.t - first.t) / 1_000)) * 100) / 100;
    }
  }
  const busy = inside.slice(1).map((s) => s.machineBusy).filter(Number.isFinite);
  const machineBusy = busy.length ? Math.round((busy.reduce((a, b) => a + b, 0) / busy.length) * 100) / 100 : Number.NaN;
  const ours = Object.values(cpuCores).reduce((a, b) => a + b, 0);
  return {
    peakRssMb,
    cpuCores,
    cpuSeconds,
    machineBusy,
    peakLoad1: Math.max(0, ...inside.map((s) => s.load1)),
    foreignCores: Math.round(Math.max(0, machineBusy * nproc - ours) * 100) / 100,
  };
}
