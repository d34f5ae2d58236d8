import { execFileSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { epochNow } from "../clock.ts";
import { metricValue, parseCpuLine, parseProcStat, pidListeningOn } from "./prom.ts";

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux

export type Watched =
  /**
   * a service: RSS and CPU from /proc, like any process; its /metrics (prom-client
   * process_resident_memory_bytes, the same VmRSS) only when `ss` did not name its process
   */
  | { name: string; metricsUrl: string; port: number }
  /** a process listening on a port (stripe-sim, nats-server): from /proc; with its children for PostgreSQL */
  | { name: string; port: number; children?: boolean; rss?: boolean };

export interface ResourceSample {
  t: number;
  rssBytes: Record<string, number>;
  /** CPU seconds used so far, per process (a counter) */
  cpuSeconds: Record<string, number>;
  /** the whole machine: busy fraction of all cores since the previous sample */
  machineBusy: number;
  load1: number;
}

const read = (path: string) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
};

const rssOfPid = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(read(`/proc/${pid}/status`) ?? "")?.[1] ?? Number.NaN) * 1_024;

/**
 * Samples, every second, the resident memory and CPU time of each process of the run, the machine's
 * busy share and load: for peak RSS per service, CPU per process while the load runs, and to tell a
 * run disturbed by other work on the machine.
 */
export function startResourceSampler(watched: Watched[], { intervalMs = 1_000 } = {}) {
  const ss = (() => {
    try {
      return execFileSync("ss", ["-Hltnp"], { encoding: "utf8" });
    } catch {
      return "";
    }
  })();
  const pids = new Map<string, number>();
  for (const w of watched) {
    const pid = pidListeningOn(ss, w.port);
    if (pid) pids.set(w.name, pid);
  }
  // CPU of a process and its children, accumulated per child so that a backend that exits keeps its share
  const familyTicks = new Map<string, { total: number; last: Map<number, number> }>();
  const familyCpu = (name: string, root: number): number => {
    const state = familyTicks.get(name) ?? { total: 0, last: new Map<number, number>() };
    familyTicks.set(name, state);
    const now = new Map<number, number>();
    for (const entry of readdirSync("/proc")) {
      if (!/^\d+$/.test(entry)) continue;
      const stat = parseProcStat(read(`/proc/${entry}/stat`) ?? "");
      const pid = Number(entry);
      if (stat && (pid === root || stat.ppid === root)) now.set(pid, stat.ticks);
    }
    for (const [pid, ticks] of now) state.total += ticks - (state.last.get(pid) ?? (state.last.size ? 0 : ticks));
    state.last = now;
    return state.total / TICKS_PER_SECOND;
  };

  const samples: ResourceSample[] = [];
  let previousCpu = parseCpuLine(read("/proc/stat") ?? "");
  const self = { rss: () => process.memoryUsage.rss(), cpu: () => { const { user, system } = process.cpuUsage(); return (user + system) / 1e6; } };

  async function sample(): Promise<void> {
    const rssBytes: Record<string, number> = { bench: self.rss() };
    const cpuSeconds: Record<string, number> = { bench: self.cpu() };
    await Promise.all(
      watched.map(async (w) => {
        const pid = pids.get(w.name);
        if (pid && !("rss" in w && w.rss === false)) rssBytes[w.name] = rssOfPid(pid);
        else if ("metricsUrl" in w) {
          // only when its process was not found: rendering /metrics every second costs the service CPU
          const text = await fetch(w.metricsUrl, { signal: AbortSignal.timeout(2_000) }).then((r) => r.text()).catch(() => "");
          const rss = metricValue(text, "process_resident_memory_bytes");
          if (rss !== undefined) rssBytes[w.name] = rss;
        }
        if (!pid) return;
        if ("children" in w && w.children) cpuSeconds[w.name] = familyCpu(w.name, pid);
        else {
          const stat = parseProcStat(read(`/proc/${pid}/stat`) ?? "");
          if (stat) cpuSeconds[w.name] = stat.ticks / TICKS_PER_SECOND;
        }
      }),
    );
    const cpu = parseCpuLine(read("/proc/stat") ?? "");
    const machineBusy = cpu && previousCpu && cpu.total > previousCpu.total ? 1 - (cpu.idle - previousCpu.idle) / (cpu.total - previousCpu.total) : Number.NaN;
    previousCpu = cpu;
    samples.push({ t: epochNow(), rssBytes, cpuSeconds, machineBusy, load1: loadavg()[0]! });
  }

  let stopped = false;
  let pending = sample();
  const timer = setInterval(() => {
    if (!stopped) pending = pending.then(sample, sample);
  }, intervalMs);

  return {
    samples,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await pending.catch(() => {});
    },
  };
}
export type ResourceSampler = ReturnType<typeof startResourceSampler>;
