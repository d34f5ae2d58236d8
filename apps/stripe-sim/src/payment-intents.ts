// /v1/payment_intents: create (optionally confirm), retrieve, list, confirm, capture, cancel.
import { Hono } from "hono";
import { cardDeclined, invalidRequest, resourceMissing } from "./errors.ts";
import type { SimEnv } from "./http.ts";
import { paginate } from "./list.ts";
import { cancellationReasons, captureMethods } from "./objects.ts";
import type { Charge, PaymentIntent } from "./objects.ts";
import { readAmount, readBoolean, readEnum, readMetadata, readString, readStringList, requireAmount, requireCurrency } from "./params.ts";
import { cancelPaymentIntent, capturePaymentIntent, confirmPaymentIntent, createPaymentIntent } from "./payment-intent-rules.ts";
import type { SimStore } from "./store.ts";
import { findTestCard } from "./test-cards.ts";
import type { TestCard } from "./test-cards.ts";

export function paymentIntentRoutes({ store }: { store: SimStore }): Hono<SimEnv> {
  const routes = new Hono<SimEnv>();

  function load(id: string): PaymentIntent {
    const intent = store.paymentIntents.get(id);
    if (intent === undefined) throw resourceMissing("payment_intent", id);
    return intent;
  }

  function cardFor(paymentMethod: string): TestCard {
    const card = findTestCard(paymentMethod);
    if (card === undefined) throw resourceMissing("PaymentMethod", paymentMethod, "payment_method");
    return card;
  }

  function save(intent: PaymentIntent, charge?: Charge): PaymentIntent {
    if (charge !== undefined) store.charges.set(charge.id, charge);
    store.paymentIntents.set(intent.id, intent);
    return intent;
  }

  /** Confirms and stores the outcome; a decline is stored, then thrown as Stripe's 402 card_error. */
  function confirm(intent: PaymentIntent, requested: string | undefined): PaymentIntent {
    const paymentMethod = requested ?? intent.payment_method;
    if (paymentMethod === null) {
      throw invalidRequest(
        "You cannot confirm this PaymentIntent because it's missing a payment method. Update the PaymentIntent with a payment method and then confirm it again.",
        { code: "payment_intent_unexpected_state", param: "payment_method" },
      );
    }
    const card = cardFor(paymentMethod);
    const outcome = confirmPaymentIntent(intent, { paymentMethod, card, chargeId: store.newId("ch"), now: store.nowSeconds() });
    save(outcome.intent, outcome.charge);
    if (outcome.decline) throw cardDeclined(outcome.decline, { charge: outcome.charge.id, paymentIntent: outcome.intent, paymentMethod });
    return outcome.intent;
  }

  routes.post("/", (c) => {
    const params = c.get("params");
    const input = {
      amount: requireAmount(params, "amount"),
      currency: requireCurrency(params),
      captureMethod: readEnum(params, "capture_method", captureMethods) ?? "automatic",
      paymentMethod: readString(params, "payment_method"),
      paymentMethodTypes: readStringList(params, "payment_method_types") ?? ["card"],
      metadata: readMetadata(params),
      description: readString(params, "description"),
      customer: readString(params, "customer"),
    };
    const shouldConfirm = readBoolean(params, "confirm") ?? false;
    if (input.paymentMethod !== undefined) cardFor(input.paymentMethod); // unknown pm_: 400, nothing created
    const id = store.newId("pi");
    const intent = save(createPaymentIntent(input, { id, secret: store.token(), now: store.nowSeconds() }));
    return c.json(shouldConfirm ? confirm(intent, undefined) : intent);
  });

  routes.get("/", (c) => {
    const params = c.get("params");
    const metadata = Object.entries(readMetadata(params)); // extra filter: metadata[order_id]=...
    const customer = readString(params, "customer");
    const matching = [...store.paymentIntents.values()]
      .reverse()
      .filter((intent) => metadata.every(([key, value]) => intent.metadata[key] === value))
      .filter((intent) => customer === undefined || intent.customer === customer);
    return c.json(paginate(matching, params, "/v1/payment_intents"));
  });

  routes.get("/:id", (c) => c.json(load(c.req.param("id"))));

  routes.post("/:id/confirm", (c) => {
    const intent = load(c.req.param("id"));
    return c.json(confirm(intent, readString(c.get("params"), "payment_method")));
  });

  routes.post("/:id/capture", (c) => {
    const intent = load(c.req.param("id"));
    const amountToCapture = readAmount(c.get("params"), "amount_to_capture");
    const charge = intent.latest_charge === null ? undefined : store.charges.get(intent.latest_charge);
    const captured = capturePaymentIntent(intent, charge, amountToCapture);
    return c.json(save(captured.intent, captured.charge));
  });

  routes.post("/:id/cancel", (c) => {
    const intent = load(c.req.param("id"));
    const reason = readEnum(c.get("params"), "cancellation_reason", cancellationReasons);
    return c.json(save(cancelPaymentIntent(intent, { reason, now: store.nowSeconds() })));
  });

  return routes;
}
