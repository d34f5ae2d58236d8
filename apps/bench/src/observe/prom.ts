/** The value of a metric in Prometheus text format (the first sample of that name, labels ignored). */
export function metricValue(text: string, name: string): number | undefined {
  for (const line of text.split("\n")) {
    if (!line.startsWith(name)) continue;
    const rest = line.slice(name.length);
    if (rest[0] !== " " && rest[0] !== "{") continue; // another metric whose name starts the same
    const value = Number(rest.slice(rest.lastIndexOf("}") + 1).trim().split(/\s+/)[0]);
    if (Number.isFinite(value)) return value;
  }
  return undefined;
}

/**
 * Seconds a process's main thread has paused for garbage collection: the sum over every kind of
 * prom-client's `nodejs_gc_duration_seconds` histogram. 0 while it has no sample yet (no GC since the
 * service set up its metrics); undefined for a process that does not export it. prom-client records
 * only the first of the GCs that one observer callback reports: in a flash sale it counted 1.130 s of
 * orders' pauses where an observer counting every one counted 1.138 s (docs/benchmarks.md).
 */
export function gcPauseSeconds(text: string): number | undefined {
  let total = /^# TYPE nodejs_gc_duration_seconds histogram$/m.test(text) ? 0 : undefined;
  for (const match of text.matchAll(/^nodejs_gc_duration_seconds_sum(?:\{[^}]*\})? (\S+)/gm)) {
    const value = Number(match[1]);
    if (Number.isFinite(value)) total = (total ?? 0) + value;
  }
  return total;
}

/** The Node version a process reports on its /metrics (prom-client's `nodejs_version_info`), e.g. "v24.22.3". */
export function nodeVersionOf(text: string): string | undefined {
  return /^nodejs_version_info\{(?:[^}]*,)?version="(v[^"]+)"/m.exec(text)?.[1];
}

/** /proc/<pid>/stat: the parent pid and CPU time (user + system) in clock ticks. */
export function parseProcStat(text: string): { ppid: number; ticks: number } | undefined {
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  // after "(comm) ": state(0) ppid(1) ... utime(11) stime(12)
  const ppid = Number(fields[1]);
  const ticks = Number(fields[11]) + Number(fields[12]);
  return Number.isFinite(ppid) && Number.isFinite(ticks) ? { ppid, ticks } : undefined;
}

/** /proc/stat's first line: total and idle (idle + iowait) jiffies of the whole machine. */
export function parseCpuLine(text: string): { total: number; idle: number } | undefined {
  const line = text.split("\n", 1)[0] ?? "";
  if (!line.startsWith("cpu ")) return undefined;
  const values = line.trim().split(/\s+/).slice(1).map(Number);
  const total = values.slice(0, 8).reduce((sum, value) => sum + value, 0);
  return { total, idle: (values[3] ?? 0) + (values[4] ?? 0) };
}

/** `ss -Hltnp` output: the pid of the process listening on `port`. */
export function pidListeningOn(ssOutput: string, port: number): number | undefined {
  for (const line of ssOutput.split("\n")) {
    const local = line.trim().split(/\s+/)[3] ?? "";
    if (!local.endsWith(`:${port}`)) continue;
    const match = /pid=(\d+)/.exec(line);
    if (match) return Number(match[1]);
  }
  return undefined;
}
