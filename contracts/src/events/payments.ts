import { z } from "zod";
import { defineEvent } from "../define-event.ts";
import { Money, OrderId } from "../money.ts";

export const PaymentAuthorized = defineEvent({
  name: "PaymentAuthorized",
  stream: "PAYMENTS",
  token: "authorized",
  schema: z.object({ orderId: OrderId, paymentIntentId: z.string().min(1), amount: Money }),
});

export const PaymentFailed = defineEvent({
  name: "PaymentFailed",
  stream: "PAYMENTS",
  token: "failed",
  schema: z.object({
    orderId: OrderId,
    /** declined: the card was refused; provider_unavailable: no answer until the reservation deadline;
     *  invalid_request: the provider refused the request itself; reservation_expired: the hold ran out
     *  before an authorization could count (a late one is voided) */
    reason: z.enum(["declined", "provider_unavailable", "invalid_request", "reservation_expired"]),
    declineCode: z.string().optional(),
    message: z.string(),
    paymentIntentId: z.string().optional(),
  }),
});

export const PaymentCaptured = defineEvent({
  name: "PaymentCaptured",
  stream: "PAYMENTS",
  token: "captured",
  schema: z.object({ orderId: OrderId, paymentIntentId: z.string().min(1), amount: Money }),
});

export const PaymentVoided = defineEvent({
  name: "PaymentVoided",
  stream: "PAYMENTS",
  token: "voided",
  schema: z.object({ orderId: OrderId, paymentIntentId: z.string().min(1), amount: Money, reason: z.string() }),
});

export const PaymentRefunded = defineEvent({
  name: "PaymentRefunded",
  stream: "PAYMENTS",
  token: "refunded",
  schema: z.object({ orderId: OrderId, paymentIntentId: z.string().min(1), refundId: z.string().min(1), amount: Money }),
});
