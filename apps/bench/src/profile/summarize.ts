/** The parts of a V8 .cpuprofile the summary reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }>;
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  totalMs: number;
  /** share of samples that were not idle (program, GC and JavaScript) */
  busyShare: number;
  /** self time by function, the largest first */
  functions: Array<{ name: string; where: string; ms: number; share: number }>;
  /** self time by where the code lives: a package of node_modules, the repo's own code, node internals, GC, idle */
  areas: Array<{ area: string; ms: number; share: number }>;
}

/** `node_modules/@nats-io/jetstream/lib/x.js` → `@nats-io/jetstream`; repo files → `apps/orders`, `libs/messaging`. */
export function areaOf(url: string, functionName: string): string {
  if (functionName === "(idle)") return "(idle)";
  if (functionName === "(garbage collector)") return "(gc)";
  if (functionName === "(program)") return "(program)";
  const module = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (module) return module[1]!;
  const repo = /\/((?:apps|libs)\/[^/]+|contracts)\//.exec(url);
  if (repo) return repo[1]!;
  if (url.startsWith("node:") || url === "") return "(node internals)";
  return url;
}

/** Self time per function and per area over the whole profile. */
export function summarizeProfile(profile: CpuProfile, { top = 25 } = {}): ProfileSummary {
  const self = new Map<number, number>();
  for (let i = 0; i < profile.samples.length; i++) self.set(profile.samples[i]!, (self.get(profile.samples[i]!) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1_000);
  const byFunction = new Map<string, { name: string; where: string; ms: number }>();
  const byArea = new Map<string, number>();
  let totalMs = 0;
  let idleMs = 0;
  for (const node of profile.nodes) {
    const ms = self.get(node.id) ?? 0;
    if (!ms) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    totalMs += ms;
    if (functionName === "(idle)") idleMs += ms;
    const name = functionName || "(anonymous)";
    const where = url ? `${url.replace(/^.*\/(node_modules|apps|libs|contracts)\//, "$1/")}:${lineNumber + 1}` : "";
    const key = `${name}@${where}`;
    const entry = byFunction.get(key) ?? { name, where, ms: 0 };
    entry.ms += ms;
    byFunction.set(key, entry);
    const area = areaOf(url, functionName);
    byArea.set(area, (byArea.get(area) ?? 0) + ms);
  }
  const share = (ms: number) => Math.round((ms / Math.max(totalMs, 1)) * 1_000) / 10;
  const round = (ms: number) => Math.round(ms);
  return {
    totalMs: round(totalMs),
    busyShare: share(totalMs - idleMs) / 100,
    functions: [...byFunction.values()].sort((a, b) => b.ms - a.ms).slice(0, top).map((f) => ({ ...f, ms: round(f.ms), share: share(f.ms) })),
    areas: [...byArea].sort((a, b) => b[1] - a[1]).map(([area, ms]) => ({ area, ms: round(ms), share: share(ms) })),
  };
}
