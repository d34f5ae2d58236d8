import type Stripe from "stripe";
import { classifyProviderError } from "../domain/provider-outcome.ts";
import { idempotencyKey } from "./authorize.ts";

/** How a capture, void or refund call ended. */
export type StepOutcome =
  | { kind: "done"; amount: number; refundId?: string }
  | { kind: "rejected"; message: string }
  | { kind: "transient"; message: string };

type Call = (stripe: Stripe, payment: { orderId: string; paymentIntentId: string }) => Promise<StepOutcome>;

/**
 * Runs a provider call; when the provider refuses it, asks whether the intent is already where the
 * step wanted it (a capture or void done by an earlier attempt whose answer was lost) before calling it
 * a refusal.
 */
const step =
  (attempt: Call, alreadyDone: Call): Call =>
  async (stripe, payment) => {
    try {
      return await attempt(stripe, payment);
    } catch (error) {
      const outcome = classifyProviderError(error);
      if (outcome.kind === "transient") return outcome;
      const settled = await alreadyDone(stripe, payment).catch((): StepOutcome => ({ kind: "transient", message: "could not read the payment intent" }));
      return settled.kind === "done" || settled.kind === "transient" ? settled : { kind: "rejected", message: "message" in outcome ? outcome.message : settled.message };
    }
  };

const statusIs = async (stripe: Stripe, id: string, status: string): Promise<StepOutcome> => {
  const intent = await stripe.paymentIntents.retrieve(id);
  return intent.status === status ? { kind: "done", amount: status === "succeeded" ? intent.amount_received : intent.amount } : { kind: "rejected", message: `payment intent is ${intent.status}` };
};

export const capture = step(
  async (stripe, { orderId, paymentIntentId }) => {
    const intent = await stripe.paymentIntents.capture(paymentIntentId, {}, { idempotencyKey: idempotencyKey(orderId, "capture") });
    return intent.status === "succeeded" ? { kind: "done", amount: intent.amount_received } : { kind: "transient", message: `capture left the intent ${intent.status}` };
  },
  (stripe, { paymentIntentId }) => statusIs(stripe, paymentIntentId, "succeeded"),
);

export const voidAuthorization = step(
  async (stripe, { orderId, paymentIntentId }) => {
    const intent = await stripe.paymentIntents.cancel(paymentIntentId, { cancellation_reason: "abandoned" }, { idempotencyKey: idempotencyKey(orderId, "void") });
    return intent.status === "canceled" ? { kind: "done", amount: intent.amount } : { kind: "transient", message: `void left the intent ${intent.status}` };
  },
  (stripe, { paymentIntentId }) => statusIs(stripe, paymentIntentId, "canceled"),
);

export const refund = step(
  async (stripe, { orderId, paymentIntentId }) => {
    const created = await stripe.refunds.create({ payment_intent: paymentIntentId }, { idempotencyKey: idempotencyKey(orderId, "refund") });
    return { kind: "done", amount: created.amount, refundId: created.id };
  },
  async (stripe, { paymentIntentId }) => {
    const { data } = await stripe.refunds.list({ payment_intent: paymentIntentId, limit: 1 });
    const existing = data[0];
    return existing ? { kind: "done", amount: existing.amount, refundId: existing.id } : { kind: "rejected", message: "no refund exists" };
  },
);
