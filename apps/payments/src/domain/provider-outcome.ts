/** What a call to the payment provider came to, in the terms the saga cares about. */
export type ProviderOutcome =
  | { kind: "authorized"; paymentIntentId: string }
  /** the card was refused: final, the order cannot be paid this way */
  | { kind: "declined"; code: string; declineCode?: string | undefined; message: string; paymentIntentId?: string | undefined }
  /** the request itself is wrong (unknown payment method, bad amount): final */
  | { kind: "rejected"; message: string; paymentIntentId?: string | undefined }
  /** timeout, 5xx, 429, connection refused: try again with the same idempotency key */
  | { kind: "transient"; message: string; paymentIntentId?: string | undefined };

interface StripeLikeError {
  type?: string;
  code?: string;
  decline_code?: string;
  message?: string;
  statusCode?: number;
  payment_intent?: { id?: string };
  raw?: { payment_intent?: { id?: string } };
}

/** Maps an error thrown by the stripe SDK to an outcome; anything unrecognised is treated as transient. */
export function classifyProviderError(error: unknown): ProviderOutcome {
  const e = (error ?? {}) as StripeLikeError;
  const message = e.message ?? String(error);
  const paymentIntentId = e.payment_intent?.id ?? e.raw?.payment_intent?.id;
  switch (e.type) {
    case "StripeCardError":
      return { kind: "declined", code: e.code ?? "card_declined", declineCode: e.decline_code, message, paymentIntentId };
    case "StripeInvalidRequestError":
    case "StripeIdempotencyError":
      return e.statusCode !== undefined && e.statusCode >= 500 ? { kind: "transient", message } : { kind: "rejected", message, paymentIntentId };
    default:
      return { kind: "transient", message: `${e.type ?? "error"}: ${message}` };
  }
}

/** A PaymentIntent's status after a confirm, as an outcome. */
export function outcomeOfIntent(intent: { id: string; status: string; last_payment_error?: { code?: string; decline_code?: string; message?: string } | null }): ProviderOutcome {
  switch (intent.status) {
    case "requires_capture":
    case "succeeded":
      return { kind: "authorized", paymentIntentId: intent.id };
    case "requires_payment_method": {
      const error = intent.last_payment_error;
      return { kind: "declined", code: error?.code ?? "card_declined", declineCode: error?.decline_code, message: error?.message ?? "the card was declined", paymentIntentId: intent.id };
    }
    case "requires_action":
      return { kind: "declined", code: "authentication_required", message: "the card needs customer authentication, which this checkout does not support", paymentIntentId: intent.id };
    case "canceled":
      return { kind: "rejected", message: "the payment intent was canceled", paymentIntentId: intent.id };
    default:
      return { kind: "transient", message: `payment intent is ${intent.status}`, paymentIntentId: intent.id };
  }
}
