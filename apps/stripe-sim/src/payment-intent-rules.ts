// The PaymentIntent state machine, as pure functions: each takes the current objects and returns
// the next ones (or throws the StripeError Stripe would answer with). Routes load, decide, store.
import { invalidRequest, unexpectedState } from "./errors.ts";
import type { CancellationReason, CaptureMethod, Charge, PaymentIntent, PaymentIntentStatus } from "./objects.ts";
import type { CardDecline, TestCard } from "./test-cards.ts";

export interface NewPaymentIntent {
  amount: number;
  currency: string;
  captureMethod: CaptureMethod;
  paymentMethod: string | undefined;
  paymentMethodTypes: string[];
  metadata: Record<string, string>;
  description: string | undefined;
  customer: string | undefined;
}

export function createPaymentIntent(input: NewPaymentIntent, { id, secret, now }: { id: string; secret: string; now: number }): PaymentIntent {
  return {
    id,
    object: "payment_intent",
    amount: input.amount,
    amount_capturable: 0,
    amount_received: 0,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod,
    client_secret: `${id}_secret_${secret}`,
    confirmation_method: "automatic",
    created: now,
    currency: input.currency,
    customer: input.customer ?? null,
    description: input.description ?? null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    metadata: input.metadata,
    next_action: null,
    payment_method: input.paymentMethod ?? null,
    payment_method_types: input.paymentMethodTypes,
    status: input.paymentMethod ? "requires_confirmation" : "requires_payment_method",
  };
}

const confirmable: readonly PaymentIntentStatus[] = ["requires_payment_method", "requires_confirmation", "requires_action"];
const cancelable: readonly PaymentIntentStatus[] = ["requires_payment_method", "requires_capture", "requires_confirmation", "requires_action"];

export interface ConfirmOutcome {
  intent: PaymentIntent;
  charge: Charge;
  decline: CardDecline | undefined;
}

/** Charges the card; a decline leaves the intent in requires_payment_method with last_payment_error. */
export function confirmPaymentIntent(
  intent: PaymentIntent,
  { paymentMethod, card, chargeId, now }: { paymentMethod: string; card: TestCard; chargeId: string; now: number },
): ConfirmOutcome {
  if (!confirmable.includes(intent.status)) {
    throw unexpectedState(`You cannot confirm this PaymentIntent because it has a status of ${intent.status}.`);
  }
  const decline = card.decline;
  const manual = intent.capture_method === "manual";
  const charge: Charge = {
    id: chargeId,
    object: "charge",
    amount: intent.amount,
    amount_captured: decline || manual ? 0 : intent.amount,
    amount_refunded: 0,
    captured: !decline && !manual,
    created: now,
    currency: intent.currency,
    failure_code: decline?.code ?? null,
    failure_message: decline?.message ?? null,
    livemode: false,
    paid: !decline,
    payment_intent: intent.id,
    payment_method: paymentMethod,
    payment_method_details: { type: "card", card: { brand: card.brand, last4: card.last4 } },
    refunded: false,
    status: decline ? "failed" : "succeeded",
  };
  if (decline) {
    const last_payment_error = {
      type: "card_error" as const,
      code: decline.code,
      decline_code: decline.declineCode,
      message: decline.message,
      charge: chargeId,
      payment_method: { id: paymentMethod, object: "payment_method" as const },
    };
    const failed = { ...intent, status: "requires_payment_method" as const, payment_method: null, latest_charge: chargeId, last_payment_error };
    return { intent: failed, charge, decline };
  }
  const next: PaymentIntent = {
    ...intent,
    payment_method: paymentMethod,
    latest_charge: chargeId,
    last_payment_error: null,
    status: manual ? "requires_capture" : "succeeded",
    amount_capturable: manual ? intent.amount : 0,
    amount_received: manual ? 0 : intent.amount,
  };
  return { intent: next, charge, decline: undefined };
}

export function capturePaymentIntent(
  intent: PaymentIntent,
  charge: Charge | undefined,
  amountToCapture?: number,
): { intent: PaymentIntent; charge: Charge } {
  if (intent.status !== "requires_capture" || charge === undefined) {
    throw unexpectedState(
      `This PaymentIntent could not be captured because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be captured: requires_capture.`,
    );
  }
  const amount = amountToCapture ?? intent.amount_capturable;
  if (amount > intent.amount_capturable) {
    throw invalidRequest(`The amount_to_capture (${amount}) is greater than the amount_capturable (${intent.amount_capturable}).`, {
      code: "amount_too_large",
      param: "amount_to_capture",
      executed: true,
    });
  }
  return {
    intent: { ...intent, status: "succeeded", amount_capturable: 0, amount_received: amount },
    charge: { ...charge, captured: true, amount_captured: amount },
  };
}

export function cancelPaymentIntent(intent: PaymentIntent, { reason, now }: { reason: CancellationReason | undefined; now: number }): PaymentIntent {
  if (!cancelable.includes(intent.status)) {
    throw unexpectedState(
      `You cannot cancel this PaymentIntent because it has a status of ${intent.status}. Only a PaymentIntent with one of the following statuses may be canceled: ${cancelable.join(", ")}.`,
    );
  }
  return { ...intent, status: "canceled", amount_capturable: 0, canceled_at: now, cancellation_reason: reason ?? null };
}
