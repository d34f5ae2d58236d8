import { execFileSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { availableParallelism, loadavg, release, totalmem } from "node:os";
import type { BenchResult } from "../report/result.ts";

const run = (command: string, args: string[]) => {
  try {
    return execFileSync(command, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 5_000 }).trim();
  } catch {
    return "";
  }
};

const postgresBinary = () => {
  const versions = existsSync("/usr/lib/postgresql") ? readdirSync("/usr/lib/postgresql").sort().reverse() : [];
  const found = versions.map((v) => `/usr/lib/postgresql/${v}/bin/postgres`).find((path) => existsSync(path));
  return found ?? "postgres";
};

/** The busiest processes right now (other engineers' test suites show up here). */
export const busiestProcesses = (count = 6) =>
  run("ps", ["-eo", "pid,pcpu,etime,args", "--sort=-pcpu", "--no-headers"])
    .split("\n")
    .map((line) => line.trim().split(/\s+/))
    .filter(([pid, , , command]) => pid && Number(pid) !== process.pid && command !== "ps")
    .slice(0, count)
    .map(([, ...rest]) => rest.join(" ").slice(0, 140));

export function machineInfo(): Omit<BenchResult["machine"], "loadAfter"> {
  return {
    nproc: availableParallelism(),
    memoryGiB: Math.round((totalmem() / 1_073_741_824) * 10) / 10,
    versions: {
      node: process.version,
      "nats-server": run("nats-server", ["--version"]).replace(/^nats-server:\s*/, ""),
      postgres: run(postgresBinary(), ["--version"]).replace(/^postgres \(PostgreSQL\)\s*/, ""),
      redis: /v=(\S+)/.exec(run("redis-server", ["--version"]))?.[1] ?? "",
      kernel: release(),
    },
    loadBefore: loadavg().map((v) => Math.round(v * 100) / 100),
    busiestBefore: busiestProcesses(),
  };
}
