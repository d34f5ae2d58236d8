// Errors the simulator answers with, in Stripe's wire shape: { error: { type, code, decline_code, ... } }.
// `code` is the stable identifier; `executed` tells the idempotency layer the endpoint started work
// (Stripe saves such results for replay; validation failures are not saved and may be retried).

export type StripeErrorType = "api_error" | "card_error" | "idempotency_error" | "invalid_request_error";

export interface StripeErrorInit {
  type: StripeErrorType;
  statusCode: number;
  code?: string | undefined;
  declineCode?: string | undefined;
  param?: string | undefined;
  /** Extra fields copied into the error body (e.g. payment_intent, charge, payment_method). */
  extra?: Record<string, unknown>;
  executed?: boolean;
}

export class StripeError extends Error {
  override readonly name = "StripeError";
  readonly type: StripeErrorType;
  readonly statusCode: number;
  readonly code: string | undefined;
  readonly declineCode: string | undefined;
  readonly param: string | undefined;
  readonly extra: Record<string, unknown>;
  readonly executed: boolean;

  constructor(message: string, init: StripeErrorInit) {
    super(message);
    this.type = init.type;
    this.statusCode = init.statusCode;
    this.code = init.code;
    this.declineCode = init.declineCode;
    this.param = init.param;
    this.extra = init.extra ?? {};
    this.executed = init.executed ?? false;
  }

  toBody(): { error: Record<string, unknown> } {
    const error: Record<string, unknown> = { type: this.type, message: this.message };
    if (this.code !== undefined) error.code = this.code;
    if (this.declineCode !== undefined) error.decline_code = this.declineCode;
    if (this.param !== undefined) error.param = this.param;
    if (this.code !== undefined) error.doc_url = `https://stripe.com/docs/error-codes/${this.code.replaceAll("_", "-")}`;
    return { error: { ...error, ...this.extra } };
  }
}

export function invalidRequest(
  message: string,
  { code, param, statusCode = 400, executed = false }: { code?: string; param?: string; statusCode?: number; executed?: boolean } = {},
): StripeError {
  return new StripeError(message, { type: "invalid_request_error", statusCode, code, param, executed });
}

export function resourceMissing(kind: string, id: string, param?: string): StripeError {
  // A missing object named in the body (e.g. payment_method) is a 400; one in the URL is a 404.
  return invalidRequest(`No such ${kind}: '${id}'`, { code: "resource_missing", param, statusCode: param ? 400 : 404 });
}

export function unexpectedState(message: string): StripeError {
  return invalidRequest(message, { code: "payment_intent_unexpected_state", executed: true });
}

export function cardDeclined(
  decline: { code: string; declineCode: string; message: string },
  { charge, paymentIntent, paymentMethod }: { charge: string; paymentIntent: object; paymentMethod: string },
): StripeError {
  return new StripeError(decline.message, {
    type: "card_error",
    statusCode: 402,
    code: decline.code,
    declineCode: decline.declineCode,
    executed: true,
    extra: { charge, payment_intent: paymentIntent, payment_method: { id: paymentMethod, object: "payment_method", type: "card" } },
  });
}

export function apiError(message: string, statusCode = 500): StripeError {
  return new StripeError(message, { type: "api_error", statusCode });
}

/** `idempotency_key_in_use` (409, concurrent) or `idempotency_key_reused` (400, different request). */
export function idempotencyError(message: string, code: "idempotency_key_in_use" | "idempotency_key_reused"): StripeError {
  return new StripeError(message, { type: "idempotency_error", statusCode: code === "idempotency_key_in_use" ? 409 : 400, code });
}

export function rateLimited(): StripeError {
  return invalidRequest("Too many requests hit the API too quickly. We recommend an exponential backoff of your requests.", {
    code: "rate_limit",
    statusCode: 429,
  });
}

export function authenticationRequired(message: string): StripeError {
  return invalidRequest(message, { statusCode: 401 });
}
