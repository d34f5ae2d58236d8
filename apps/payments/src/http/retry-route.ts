import { Hono } from "hono";
import { z } from "zod";
import { ConflictError, NotFoundError, param, type AppEnv } from "@checkout/http";
import type { Sql } from "@checkout/db";
import { retryParked } from "../db/payments.ts";

/**
 * `POST /admin/payments/:orderId/retry`: an operator's retry of a parked provider step (a capture, void
 * or refund the provider refused for good, e.g. after fixing the intent at the provider). The step is
 * due again at once, with the same idempotency key `<orderId>:<step>`; if the provider refuses again it
 * is parked again. The parked dead letter (`dlq.PAYMENTS.payments-worker`) stays until deleted
 * (`checkout dlq rm <seq>`, or DELETE /admin/dlq/<seq> here).
 */
export function retryRoute({ sql }: { sql: Sql }) {
  return new Hono<AppEnv>().post("/admin/payments/:orderId/retry", async function retryParkedStep(c) {
    const orderId = param(c, "orderId", z.uuid());
    const outcome = await retryParked(sql, orderId);
    if ("refused" in outcome) {
      switch (outcome.refused) {
        case "not_found":
          throw new NotFoundError("payment for order", orderId);
        case "not_parked":
          throw new ConflictError("not_parked", `the payment of order ${orderId} is ${outcome.status}, not parked: there is no step to retry`);
        case "step_unknown":
          throw new ConflictError("parked_step_unknown", `the payment of order ${orderId} was parked before its step was recorded; set parked_step from the dead letter's body, then retry`);
      }
    }
    c.get("log").warn({ orderId, step: outcome.status }, "parked payment step retried by an operator");
    return c.json({ orderId, status: outcome.status, retried: outcome.status }, 202);
  });
}
