// For this package's own tests: a simulator on a free port, a real Stripe SDK client pointed at it,
// and the /_sim control API over HTTP.
import Stripe from "stripe";
import type { AuditedPaymentIntent } from "./inspect.ts";
import type { SimConfig } from "./sim-config.ts";
import { startStripeSim } from "./server.ts";
import type { StartStripeSimOptions } from "./server.ts";

export const testApiKey = "sk_test_stripe_sim";

export async function startSimForTests(options: StartStripeSimOptions = {}) {
  const running = await startStripeSim({ port: 0, ...options });

  async function call<T>(method: "GET" | "POST", path: string, body?: unknown): Promise<T> {
    const init: RequestInit = body === undefined ? { method } : { method, body: JSON.stringify(body), headers: { "Content-Type": "application/json" } };
    const response = await fetch(`${running.url}${path}`, init);
    if (!response.ok) throw new Error(`${method} ${path} → ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  return {
    ...running,
    client: function client(config: Stripe.StripeConfig = {}): Stripe {
      return new Stripe(testApiKey, {
        host: running.host,
        port: running.port,
        protocol: "http",
        maxNetworkRetries: 0,
        timeout: 5_000,
        telemetry: false,
        ...config,
      });
    },
    audit: function audit(orderId?: string) {
      const query = orderId === undefined ? "" : `?order_id=${encodeURIComponent(orderId)}`;
      return call<{ data: AuditedPaymentIntent[]; totals: { count: number; amount_captured: number; amount_refunded: number } }>("GET", `/_sim/payment_intents${query}`);
    },
    stats: function stats() {
      return call<{ requests: number; idempotent_replays: number; idempotency_conflicts: number; faults: Record<string, number> }>("GET", "/_sim/stats");
    },
    configure: function configure(patch: Partial<SimConfig>) {
      return call<SimConfig>("POST", "/_sim/config", patch);
    },
    reset: function reset() {
      return call<unknown>("POST", "/_sim/reset");
    },
  };
}

export type SimForTests = Awaited<ReturnType<typeof startSimForTests>>;

/** Runs `fn` and returns what it threw (fails the test if it did not throw). */
export async function caught(fn: () => Promise<unknown>): Promise<Error & Record<string, unknown>> {
  try {
    await fn();
  } catch (error) {
    return error as Error & Record<string, unknown>;
  }
  throw new Error("expected the call to throw");
}
