import { describe, expect, it } from "vitest";
import { gcPauseSeconds, metricValue, nodeVersionOf, parseCpuLine, parseProcStat, pidListeningOn } from "./prom.ts";

describe("metricValue", () => {
  const text = [
    "# HELP process_resident_memory_bytes Resident memory size in bytes.",
    "# TYPE process_resident_memory_bytes gauge",
    'process_resident_memory_bytes{service="orders"} 104857600',
    'process_resident_memory_bytes_total{service="orders"} 1',
    "process_cpu_seconds_total 12.5 1700000000000",
  ].join("\n");
  it("reads a labelled gauge, and a counter with a timestamp", () => {
    expect(metricValue(text, "process_resident_memory_bytes")).toBe(104_857_600);
    expect(metricValue(text, "process_cpu_seconds_total")).toBe(12.5);
  });
  it("does not take a metric whose name only starts the same", () => {
    expect(metricValue('process_resident_memory_bytes_total{a="b"} 3', "process_resident_memory_bytes")).toBeUndefined();
  });
});

describe("gcPauseSeconds", () => {
  it("adds up the pause time of every kind of GC, and none of the histogram's buckets or counts", () => {
    const text = [
      "# HELP nodejs_gc_duration_seconds Garbage collection duration by kind, one of major, minor, incremental or weakcb.",
      "# TYPE nodejs_gc_duration_seconds histogram",
      'nodejs_gc_duration_seconds_bucket{le="0.001",kind="minor",service="orders"} 10',
      'nodejs_gc_duration_seconds_sum{kind="minor",service="orders"} 1.25',
      'nodejs_gc_duration_seconds_count{kind="minor",service="orders"} 120',
      'nodejs_gc_duration_seconds_bucket{le="+Inf",kind="major",service="orders"} 3',
      'nodejs_gc_duration_seconds_sum{kind="major",service="orders"} 0.5',
      'nodejs_gc_duration_seconds_count{kind="major",service="orders"} 3',
      'nodejs_gc_duration_seconds_sum{kind="incremental",service="orders"} 0.0625',
    ].join("\n");
    expect(gcPauseSeconds(text)).toBe(1.8125);
  });
  it("is 0 for a process that exports the histogram but has not collected yet, undefined for one that does not export it", () => {
    expect(gcPauseSeconds("# HELP nodejs_gc_duration_seconds x\n# TYPE nodejs_gc_duration_seconds histogram\n")).toBe(0);
    expect(gcPauseSeconds('process_resident_memory_bytes{service="orders"} 1\n')).toBeUndefined();
  });
});

describe("nodeVersionOf", () => {
  it("reads the version prom-client's default metrics report, whatever the labels around it", () => {
    expect(nodeVersionOf('# HELP nodejs_version_info Node.js version info.\nnodejs_version_info{version="v24.22.3",major="24",minor="22",patch="3",service="orders"} 1\n')).toBe("v24.22.3");
    expect(nodeVersionOf('nodejs_version_info{service="orders",version="v20.20.2",major="20"} 1')).toBe("v20.20.2");
    expect(nodeVersionOf('nodejs_heap_size_total_bytes{service="orders"} 1\n')).toBeUndefined();
  });
});

describe("/proc parsing", () => {
  it("reads ppid and utime + stime from /proc/<pid>/stat, even with spaces in the command", () => {
    const stat = "4242 (postgres: wal writer) S 4000 4000 4000 0 -1 4194560 50 0 0 0 70 30 0 0 20 0 1 0 100 1000 200";
    expect(parseProcStat(stat)).toEqual({ ppid: 4000, ticks: 100 });
  });
  it("reads total and idle jiffies from /proc/stat", () => {
    expect(parseCpuLine("cpu  100 0 50 800 50 0 0 0 0 0\ncpu0 1 2 3")).toEqual({ total: 1_000, idle: 850 });
  });
  it("finds the pid listening on a port in ss output", () => {
    const ss = 'LISTEN 0 511 127.0.0.1:41000 0.0.0.0:* users:(("node",pid=777,fd=21))\nLISTEN 0 511 127.0.0.1:4100 0.0.0.0:* users:(("nats-server",pid=778,fd=5))';
    expect(pidListeningOn(ss, 4100)).toBe(778);
    expect(pidListeningOn(ss, 41000)).toBe(777);
    expect(pidListeningOn(ss, 1)).toBeUndefined();
  });
});
