// The Stripe object shapes the simulator stores and returns (the subset the project uses).

export type PaymentIntentStatus =
  | "requires_payment_method"
  | "requires_confirmation"
  | "requires_action"
  | "processing"
  | "requires_capture"
  | "canceled"
  | "succeeded";

export type CaptureMethod = "automatic" | "automatic_async" | "manual";
export const captureMethods: readonly CaptureMethod[] = ["automatic", "automatic_async", "manual"];

export type CancellationReason = "abandoned" | "duplicate" | "fraudulent" | "requested_by_customer";
export const cancellationReasons: readonly CancellationReason[] = ["abandoned", "duplicate", "fraudulent", "requested_by_customer"];

export interface LastPaymentError {
  type: "card_error";
  code: string;
  decline_code: string;
  message: string;
  charge: string;
  payment_method: { id: string; object: "payment_method" };
}

export interface PaymentIntent {
  id: string;
  object: "payment_intent";
  amount: number;
  amount_capturable: number;
  amount_received: number;
  canceled_at: number | null;
  cancellation_reason: CancellationReason | null;
  capture_method: CaptureMethod;
  client_secret: string;
  confirmation_method: "automatic";
  created: number;
  currency: string;
  customer: string | null;
  description: string | null;
  last_payment_error: LastPaymentError | null;
  latest_charge: string | null;
  livemode: false;
  metadata: Record<string, string>;
  next_action: null;
  payment_method: string | null;
  payment_method_types: string[];
  status: PaymentIntentStatus;
}

export interface Charge {
  id: string;
  object: "charge";
  amount: number;
  amount_captured: number;
  amount_refunded: number;
  captured: boolean;
  created: number;
  currency: string;
  failure_code: string | null;
  failure_message: string | null;
  livemode: false;
  paid: boolean;
  payment_intent: string;
  payment_method: string;
  payment_method_details: { type: "card"; card: { brand: string; last4: string } };
  refunded: boolean;
  status: "succeeded" | "failed";
}

export interface Refund {
  id: string;
  object: "refund";
  amount: number;
  charge: string;
  created: number;
  currency: string;
  metadata: Record<string, string>;
  payment_intent: string;
  reason: RefundReason | null;
  status: "succeeded";
}

export type RefundReason = "duplicate" | "fraudulent" | "requested_by_customer";
export const refundReasons: readonly RefundReason[] = ["duplicate", "fraudulent", "requested_by_customer"];

export interface StripeList<T> {
  object: "list";
  data: T[];
  has_more: boolean;
  url: string;
}
