// The /_sim control API: change latency and faults on a running simulator, reset it, inspect it.
// No authentication and no fault injection here, so tests can always reach it.
import { Hono } from "hono";
import type { SimEnv } from "./http.ts";
import { auditPaymentIntents, simStats } from "./inspect.ts";
import { SimConfigError } from "./sim-config.ts";
import type { ConfigState } from "./sim-config.ts";
import type { SimStore } from "./store.ts";

export interface ControlDeps {
  store: SimStore;
  config: ConfigState;
  reset(options: { keepConfig: boolean }): void;
}

export function controlRoutes({ store, config, reset }: ControlDeps): Hono<SimEnv> {
  const routes = new Hono<SimEnv>();

  routes.get("/config", (c) => c.json(config.get()));

  routes.post("/config", async (c) => {
    let patch: unknown;
    try {
      patch = JSON.parse((await c.req.text()) || "{}");
    } catch {
      throw new SimConfigError("body must be JSON");
    }
    return c.json(config.set(patch));
  });

  routes.post("/reset", (c) => {
    reset({ keepConfig: c.req.query("keep_config") === "true" });
    return c.json({ reset: true, config: config.get() });
  });

  routes.get("/payment_intents", (c) => c.json(auditPaymentIntents(store, { orderId: c.req.query("order_id") })));

  routes.get("/stats", (c) => c.json(simStats(store)));

  return routes;
}
