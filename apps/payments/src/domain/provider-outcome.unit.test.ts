import { describe, expect, it } from "vitest";
import { classifyProviderError, outcomeOfIntent } from "./provider-outcome.ts";

describe("classifyProviderError", () => {
  it("a card error is a final decline with its codes", () => {
    expect(classifyProviderError({ type: "StripeCardError", code: "card_declined", decline_code: "insufficient_funds", message: "no", payment_intent: { id: "pi_1" } })).toEqual({
      kind: "declined",
      code: "card_declined",
      declineCode: "insufficient_funds",
      message: "no",
      paymentIntentId: "pi_1",
    });
  });
  it("an invalid request is final, but not when the provider answered 5xx", () => {
    expect(classifyProviderError({ type: "StripeInvalidRequestError", statusCode: 400, message: "No such PaymentMethod" }).kind).toBe("rejected");
    expect(classifyProviderError({ type: "StripeInvalidRequestError", statusCode: 503, message: "x" }).kind).toBe("transient");
  });
  it("timeouts, 5xx, 429 and unknown errors are transient", () => {
    for (const type of ["StripeConnectionError", "StripeAPIError", "StripeRateLimitError", undefined]) {
      expect(classifyProviderError({ type, message: "x" }).kind).toBe("transient");
    }
    expect(classifyProviderError(new Error("socket hang up")).kind).toBe("transient");
  });
});

describe("outcomeOfIntent", () => {
  it("requires_capture is an authorization", () => {
    expect(outcomeOfIntent({ id: "pi_1", status: "requires_capture" })).toEqual({ kind: "authorized", paymentIntentId: "pi_1" });
  });
  it("a confirm that left the intent wanting a payment method is a decline", () => {
    expect(outcomeOfIntent({ id: "pi_1", status: "requires_payment_method", last_payment_error: { code: "card_declined", decline_code: "generic_decline" } })).toMatchObject({ kind: "declined", declineCode: "generic_decline" });
  });
  it("processing is transient: ask again later", () => {
    expect(outcomeOfIntent({ id: "pi_1", status: "processing" }).kind).toBe("transient");
  });
});
