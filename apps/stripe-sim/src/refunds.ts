// /v1/refunds: create (by payment_intent or charge), retrieve, list (filter by payment_intent/charge).
import { Hono } from "hono";
import { invalidRequest, resourceMissing } from "./errors.ts";
import type { SimEnv } from "./http.ts";
import { paginate } from "./list.ts";
import { refundReasons } from "./objects.ts";
import type { Charge } from "./objects.ts";
import { readAmount, readEnum, readMetadata, readString } from "./params.ts";
import { refundPayment } from "./refund-rules.ts";
import type { SimStore } from "./store.ts";

export function refundRoutes({ store }: { store: SimStore }): Hono<SimEnv> {
  const routes = new Hono<SimEnv>();

  function chargeNamed(id: string): Charge {
    const charge = store.charges.get(id);
    if (charge === undefined) throw resourceMissing("charge", id, "charge");
    return charge;
  }

  routes.post("/", (c) => {
    const params = c.get("params");
    const chargeId = readString(params, "charge");
    const paymentIntentId = readString(params, "payment_intent") ?? (chargeId === undefined ? undefined : chargeNamed(chargeId).payment_intent);
    if (paymentIntentId === undefined) {
      throw invalidRequest("One of the following params should be provided for this request: payment_intent or charge.", {
        code: "parameter_missing",
        param: "payment_intent",
      });
    }
    const intent = store.paymentIntents.get(paymentIntentId);
    if (intent === undefined) throw resourceMissing("payment_intent", paymentIntentId, "payment_intent");
    const charge = chargeId !== undefined ? chargeNamed(chargeId) : intent.latest_charge === null ? undefined : store.charges.get(intent.latest_charge);
    if (charge !== undefined && charge.payment_intent !== intent.id) {
      throw invalidRequest(`Charge ${charge.id} does not belong to PaymentIntent ${intent.id}.`, { param: "charge" });
    }
    const { refund, charge: updated } = refundPayment(intent, charge, {
      id: store.newId("re"),
      now: store.nowSeconds(),
      amount: readAmount(params, "amount"),
      reason: readEnum(params, "reason", refundReasons),
      metadata: readMetadata(params),
    });
    store.charges.set(updated.id, updated);
    store.refunds.set(refund.id, refund);
    return c.json(refund);
  });

  routes.get("/", (c) => {
    const params = c.get("params");
    const paymentIntent = readString(params, "payment_intent");
    const charge = readString(params, "charge");
    const matching = [...store.refunds.values()]
      .reverse()
      .filter((refund) => paymentIntent === undefined || refund.payment_intent === paymentIntent)
      .filter((refund) => charge === undefined || refund.charge === charge);
    return c.json(paginate(matching, params, "/v1/refunds"));
  });

  routes.get("/:id", (c) => {
    const id = c.req.param("id");
    const refund = store.refunds.get(id);
    if (refund === undefined) throw resourceMissing("refund", id);
    return c.json(refund);
  });

  return routes;
}
