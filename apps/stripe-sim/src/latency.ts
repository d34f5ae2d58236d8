// Simulated processing time, applied after the idempotency layer so that a request is "in flight"
// (and a concurrent duplicate gets 409) for the whole delay.
import type { MiddlewareHandler } from "hono";
import { setTimeout as sleep } from "node:timers/promises";
import type { SimEnv } from "./http.ts";
import type { Random } from "./random.ts";
import type { ConfigState } from "./sim-config.ts";

export function simulateLatency({ config, random }: { config: ConfigState; random: Random }): MiddlewareHandler<SimEnv> {
  return async function simulateLatencyMiddleware(_c, next) {
    const { latencyMs, jitterMs } = config.get();
    const delay = latencyMs + (jitterMs > 0 ? random() * jitterMs : 0);
    if (delay > 0) await sleep(delay);
    await next();
  };
}
