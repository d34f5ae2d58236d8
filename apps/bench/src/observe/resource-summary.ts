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

/**
 * A process's CPU counter at `t`, from the samples around it as if it grew evenly between them (a
 * run of a few seconds sampled every second would otherwise lose up to a second at each end of its
 * window: up to a third of a 6 s flash sale). Outside the samples: the nearest one, and its time.
 */
function counterAt(having: ResourceSample[], name: string, t: number): { t: number; value: number } {
  const next = having.findIndex((sample) => sample.t >= t);
  if (next === -1) return { t: having.at(-1)!.t, value: having.at(-1)!.cpuSeconds[name]! };
  if (next === 0) return { t: having[0]!.t, value: having[0]!.cpuSeconds[name]! };
  const [before, after] = [having[next - 1]!, having[next]!];
  const share = (t - before.t) / (after.t - before.t);
  return { t, value: before.cpuSeconds[name]! + share * (after.cpuSeconds[name]! - before.cpuSeconds[name]!) };
}

/** Peak RSS over every sample; CPU and the machine's busy share over [from, to], read off the samples around its ends; the highest load inside it. */
export function summarizeResources(samples: ResourceSample[], from: number, to: number, nproc = 1): ResourceSummary {
  const peakRssMb: Record<string, number> = {};
  for (const sample of samples) {
    for (const [name, bytes] of Object.entries(sample.rssBytes)) if (Number.isFinite(bytes)) peakRssMb[name] = Math.max(peakRssMb[name] ?? 0, mb(bytes));
  }
  const inside = samples.filter((s) => s.t >= from && s.t <= to);
  // per process, over the samples that have it: a /metrics that timed out once leaves a gap, not a hole
  const cpuCores: Record<string, number> = {};
  const cpuSeconds: Record<string, number> = {};
  const names = new Set(samples.flatMap((s) => Object.keys(s.cpuSeconds)));
  for (const name of names) {
    const having = samples.filter((s) => s.cpuSeconds[name] !== undefined);
    if (having.length === 0) continue;
    const [start, end] = [counterAt(having, name, from), counterAt(having, name, to)];
    if (end.t > start.t) {
      const used = end.value - start.value;
      cpuSeconds[name] = Math.round(used * 100) / 100;
      cpuCores[name] = Math.round((used / ((end.t - start.t) / 1_000)) * 100) / 100;
    }
  }
  // the machine over the same window: each sample's busy share (since the sample before) by how much of that interval lies in it
  let busyMs = 0;
  let spannedMs = 0;
  for (let i = 1; i < samples.length; i++) {
    const [before, after] = [samples[i - 1]!, samples[i]!];
    const overlap = Math.min(after.t, to) - Math.max(before.t, from);
    if (overlap > 0 && Number.isFinite(after.machineBusy)) {
      busyMs += after.machineBusy * overlap;
      spannedMs += overlap;
    }
  }
  const machineBusy = spannedMs > 0 ? Math.round((busyMs / spannedMs) * 100) / 100 : Number.NaN;
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
