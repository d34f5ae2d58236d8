import type Stripe from "stripe";
import { classifyProviderError, outcomeOfIntent, type ProviderOutcome } from "../domain/provider-outcome.ts";

export const idempotencyKey = (orderId: string, step: "authorize" | "capture" | "void" | "refund") => `${orderId}:${step}`;

/**
 * Creates and confirms a manual-capture PaymentIntent. The idempotency key makes every retry (by the
 * SDK after a timeout, or by the worker after a crash) the same request: one intent per order.
 */
export async function authorize(
  stripe: Stripe,
  { orderId, amount, currency, paymentMethod, paymentIntentId }: { orderId: string; amount: number; currency: string; paymentMethod: string; paymentIntentId: string | null },
): Promise<ProviderOutcome> {
  try {
    if (paymentIntentId) return outcomeOfIntent(await stripe.paymentIntents.retrieve(paymentIntentId));
    const intent = await stripe.paymentIntents.create(
      {
        amount,
        currency: currency.toLowerCase(),
        payment_method: paymentMethod,
        // server-side confirmation only: no redirect-based methods, so no return_url is needed
        automatic_payment_methods: { enabled: true, allow_redirects: "never" },
        capture_method: "manual",
        confirm: true,
        metadata: { order_id: orderId },
        description: `order ${orderId}`,
      },
      { idempotencyKey: idempotencyKey(orderId, "authorize") },
    );
    return outcomeOfIntent(intent);
  } catch (error) {
    return classifyProviderError(error);
  }
}
