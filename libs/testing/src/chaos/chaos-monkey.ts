import type { TestSystem, ServiceName } from "../system.ts";
import type { PostgresCluster } from "../postgres-cluster.ts";
import type { Random } from "./random.ts";

export interface ChaosFigures {
  kills: Record<string, number>;
  /** services that died on their own (restarted, as a supervisor would) */
  crashes: Record<string, number>;
  natsRestarts: number;
  postgresRestarts: number;
  duplicatesSeen: number;
  retriesSeen: number;
}

const VICTIMS: ServiceName[] = ["orders", "inventory", "payments", "shipping", "notifications"];

/** Counts a service's duplicate deliveries and retries from its /metrics (before it dies, and at the end). */
async function scrape(url: string): Promise<{ duplicates: number; retries: number }> {
  const text = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(1_000) })
    .then((response) => response.text())
    .catch(() => "");
  const sum = (outcome: string) =>
    [...text.matchAll(new RegExp(`^messages_total\\{[^}]*outcome="${outcome}"[^}]*\\} (\\d+)`, "gm"))].reduce((total, m) => total + Number(m[1]), 0);
  return { duplicates: sum("duplicate"), retries: sum("retried") };
}

/**
 * Every `everyMs`, SIGKILLs a random service and starts it again; once restarts nats-server (SIGKILL, same
 * store) and once crashes PostgreSQL (immediate shutdown), when `progress()` passes the given marks.
 */
export function startChaosMonkey({ system, postgres, random, everyMs = 3_000, progress, natsAt = 0.3, postgresAt = 0.6, log = () => {} }: {
  system: TestSystem;
  postgres: PostgresCluster;
  random: Random;
  everyMs?: number;
  progress: () => number;
  natsAt?: number;
  postgresAt?: number;
  log?: (line: string) => void;
}) {
  const figures: ChaosFigures = { kills: {}, crashes: {}, natsRestarts: 0, postgresRestarts: 0, duplicatesSeen: 0, retriesSeen: 0 };
  let stopped = false;
  const count = async (name: ServiceName) => {
    const seen = await scrape(system.url(name));
    figures.duplicatesSeen += seen.duplicates;
    figures.retriesSeen += seen.retries;
  };
  // what compose's `restart: unless-stopped` and Kubernetes do for a process that dies by itself
  const supervise = async () => {
    for (const name of VICTIMS) {
      if (system.services[name].alive()) continue;
      log(`chaos: ${name} died on its own; restarting it\n${system.services[name].output().split("\n").filter(Boolean).slice(-3).join("\n")}`);
      figures.crashes[name] = (figures.crashes[name] ?? 0) + 1;
      await system.services[name].start();
    }
  };
  const loop = (async () => {
    while (!stopped) {
      await new Promise((resolve) => setTimeout(resolve, everyMs));
      await supervise();
      if (stopped) break;
      if (figures.natsRestarts === 0 && progress() >= natsAt) {
        log("chaos: nats-server SIGKILL + restart");
        await system.nats.kill();
        await new Promise((resolve) => setTimeout(resolve, 500));
        await system.nats.restart();
        figures.natsRestarts += 1;
        continue;
      }
      if (figures.postgresRestarts === 0 && progress() >= postgresAt) {
        log("chaos: PostgreSQL immediate shutdown + restart");
        await postgres.crash();
        await new Promise((resolve) => setTimeout(resolve, 500));
        await postgres.start();
        figures.postgresRestarts += 1;
        continue;
      }
      const victim = random.pick(VICTIMS);
      await count(victim);
      log(`chaos: SIGKILL ${victim}`);
      await system.services[victim].kill();
      figures.kills[victim] = (figures.kills[victim] ?? 0) + 1;
      await new Promise((resolve) => setTimeout(resolve, random.int(100, 800)));
      await system.services[victim].start();
    }
  })();
  return {
    figures,
    async stop() {
      stopped = true;
      await loop;
      await supervise();
      for (const name of VICTIMS) await count(name);
      return figures;
    },
  };
}
