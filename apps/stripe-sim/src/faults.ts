// Fault injection. The fault is decided before the request touches any state, so an injected
// 500/429/503/timeout has no effect and a retry with the same Idempotency-Key is safe. The one
// exception is fail_after_commit: the request is applied (and its result saved for idempotent
// replay) but the client is told 500, as real providers sometimes do.
import { RESPONSE_ALREADY_SENT } from "@hono/node-server/utils/response";
import type { Context, MiddlewareHandler } from "hono";
import { apiError, rateLimited } from "./errors.ts";
import { errorResponse } from "./http.ts";
import type { SimEnv } from "./http.ts";
import type { Random } from "./random.ts";
import type { ConfigState, SimConfig } from "./sim-config.ts";
import type { SimCounters } from "./store.ts";

export type FaultKind = "outage" | "timeout" | "rate_limit" | "failure" | "fail_after_commit";

/** Pure: outage wins, then one independent roll per non-zero rate, in a fixed order. */
export function decideFault(config: SimConfig, random: Random): FaultKind | null {
  if (config.outage) return "outage";
  const rates: [FaultKind, number][] = [
    ["timeout", config.timeoutRate],
    ["rate_limit", config.rateLimitRate],
    ["failure", config.failureRate],
    ["fail_after_commit", config.failAfterCommitRate],
  ];
  for (const [kind, rate] of rates) {
    if (rate > 0 && random() < rate) return kind;
  }
  return null;
}

export function injectFaults({ config, random, counters }: { config: ConfigState; random: Random; counters: SimCounters }): MiddlewareHandler<SimEnv> {
  return async function injectFaultsMiddleware(c, next) {
    const settings = config.get();
    let fault = decideFault(settings, random);
    if (fault !== null && fault !== "outage" && !config.takeFault()) fault = null;
    if (fault !== null) counters.faults[fault]++;

    if (fault === "outage") return errorResponse(c, apiError("Stripe is temporarily unavailable (simulated outage).", 503));
    if (fault === "rate_limit") return errorResponse(c, rateLimited());
    if (fault === "failure") return errorResponse(c, apiError("An unknown error occurred (simulated failure)."));
    if (fault === "timeout") return hang(c, settings.hangMs);

    await next();
    if (fault === "fail_after_commit") {
      const requestId = c.res.headers.get("request-id");
      const lost = apiError("An unknown error occurred (simulated failure after the request was applied).");
      c.res = undefined; // drop the committed response and its headers entirely
      c.res = Response.json(lost.toBody(), { status: 500, headers: requestId ? { "Request-Id": requestId } : {} });
    }
  };
}

/** Never answers: waits hangMs (or until the client gives up), then closes the connection. */
async function hang(c: Context<SimEnv>, hangMs: number): Promise<Response> {
  const signal = c.req.raw.signal;
  if (!signal.aborted) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, hangMs);
      signal.addEventListener("abort", done, { once: true });
      function done() {
        clearTimeout(timer);
        signal.removeEventListener("abort", done);
        resolve();
      }
    });
  }
  const socket = c.env?.incoming?.socket;
  if (socket) {
    socket.destroy();
    return new Response(null, { headers: RESPONSE_ALREADY_SENT.headers });
  }
  // In-process (app.request) there is no socket to close: answer 504 instead.
  return errorResponse(c, apiError(`No response within ${hangMs}ms (simulated timeout).`, 504));
}
