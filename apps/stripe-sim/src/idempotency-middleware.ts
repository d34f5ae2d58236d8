// Applies the idempotency store to POST /v1 requests carrying an Idempotency-Key.
import type { MiddlewareHandler } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { idempotencyError, invalidRequest } from "./errors.ts";
import type { SimEnv } from "./http.ts";
import { canonicalParams, shouldSaveResult } from "./idempotency.ts";
import type { IdempotencyStore } from "./idempotency.ts";
import type { SimCounters } from "./store.ts";

export function idempotency({ store, counters }: { store: IdempotencyStore; counters: SimCounters }): MiddlewareHandler<SimEnv> {
  return async function idempotencyMiddleware(c, next) {
    const key = c.req.header("Idempotency-Key");
    if (c.req.method !== "POST" || key === undefined) return next();
    if (key.length === 0 || key.length > 255) {
      throw invalidRequest("Idempotency-Key must be between 1 and 255 characters long.", { code: "idempotency_key_invalid" });
    }
    const scope = c.get("apiKey");
    const begun = store.begin(scope, key, { method: c.req.method, path: c.req.path, params: canonicalParams(c.get("params")) });
    if (begun.kind === "replay") {
      counters.idempotentReplays++;
      const { status, body, contentType } = begun.response;
      return c.body(body, status as ContentfulStatusCode, { "Content-Type": contentType, "Idempotent-Replayed": "true", "Idempotency-Key": key });
    }
    if (begun.kind === "in_flight") {
      counters.idempotencyConflicts++;
      throw idempotencyError(
        `There is currently another in-progress request using this Stripe API Idempotency Key (that probably means you submitted twice, and the other request is still going through): ${key}. Please try again later.`,
        "idempotency_key_in_use",
      );
    }
    if (begun.kind === "mismatch") {
      counters.idempotencyConflicts++;
      throw idempotencyError(
        begun.comparison === "different_endpoint"
          ? `Keys for idempotent requests can only be used for the same endpoint they were first used for ('${key}').`
          : `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`,
        "idempotency_key_reused",
      );
    }

    c.header("Idempotency-Key", key);
    let saved = false;
    try {
      await next();
      if (shouldSaveResult(c.res.status, c.error)) {
        const contentType = c.res.headers.get("content-type") ?? "application/json";
        store.complete(scope, key, { status: c.res.status, body: await c.res.clone().text(), contentType });
        saved = true;
      }
    } finally {
      if (!saved) store.abandon(scope, key);
    }
  };
}
