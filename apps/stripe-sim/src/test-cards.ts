// Stripe's test PaymentMethods (https://docs.stripe.com/testing) and what confirming with each does.

export interface CardDecline {
  code: string;
  declineCode: string;
  message: string;
}

export interface TestCard {
  brand: string;
  last4: string;
  decline?: CardDecline;
}

const declined = "Your card was declined.";

export const testCards: Readonly<Record<string, TestCard>> = {
  pm_card_visa: { brand: "visa", last4: "4242" },
  pm_card_mastercard: { brand: "mastercard", last4: "4444" },
  pm_card_amex: { brand: "amex", last4: "8431" },
  pm_card_chargeDeclined: {
    brand: "visa",
    last4: "0002",
    decline: { code: "card_declined", declineCode: "generic_decline", message: declined },
  },
  pm_card_chargeDeclinedInsufficientFunds: {
    brand: "visa",
    last4: "9995",
    decline: { code: "card_declined", declineCode: "insufficient_funds", message: "Your card has insufficient funds." },
  },
  pm_card_chargeDeclinedExpiredCard: {
    brand: "visa",
    last4: "0069",
    decline: { code: "expired_card", declineCode: "expired_card", message: "Your card has expired." },
  },
  pm_card_chargeDeclinedFraudulent: {
    brand: "visa",
    last4: "0019",
    decline: { code: "card_declined", declineCode: "fraudulent", message: declined },
  },
  pm_card_chargeDeclinedIncorrectCvc: {
    brand: "visa",
    last4: "0127",
    decline: { code: "incorrect_cvc", declineCode: "incorrect_cvc", message: "Your card's security code is incorrect." },
  },
  pm_card_chargeDeclinedProcessingError: {
    brand: "visa",
    last4: "0119",
    decline: {
      code: "processing_error",
      declineCode: "processing_error",
      message: "An error occurred while processing your card. Try again in a little bit.",
    },
  },
};

export function findTestCard(paymentMethod: string): TestCard | undefined {
  return Object.hasOwn(testCards, paymentMethod) ? testCards[paymentMethod] : undefined;
}
