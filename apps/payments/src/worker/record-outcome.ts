import type { TransactionSql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import { backoffMs, type AnyEvent } from "@checkout/messaging";
import { lockPayment, retryLater, settle, type ParkedStep, type Payment } from "../db/payments.ts";
import type { ProviderOutcome } from "../domain/provider-outcome.ts";
import type { StepOutcome } from "../stripe/steps.ts";
import { recordAuthorization } from "./record-authorization.ts";
import { recordStep } from "./record-step.ts";

export type Outcome = ProviderOutcome | StepOutcome;

/**
 * Stores what one provider call for a leased payment came to, in the caller's transaction: the events
 * to publish, or `parked` with the provider's reason when it refused a compensation for good. A payment
 * that moved on meanwhile (a cancellation changed its status) keeps its new status; an authorization that
 * landed anyway is remembered, so that the void finds it.
 */
export async function recordOutcome(tx: TransactionSql, claimed: Payment, outcome: Outcome, { now, log }: { now: Date; log: Logger }): Promise<{ events: AnyEvent[]; parked?: string }> {
  const payment = await lockPayment(tx, claimed.orderId);
  if (!payment || payment.status !== claimed.status) {
    if (outcome.kind === "authorized") await settle(tx, claimed.orderId, { status: payment?.status ?? "cancelled", paymentIntentId: outcome.paymentIntentId });
    return { events: [] };
  }
  const current = { ...payment, attempts: claimed.attempts };
  let events: AnyEvent[] | "retry";
  if (current.status === "authorizing") events = await recordAuthorization(tx, current, outcome as ProviderOutcome, now);
  else if (outcome.kind === "done") events = await recordStep(tx, current, outcome);
  else if (outcome.kind === "rejected") {
    await settle(tx, current.orderId, { status: "parked", parkedStep: current.status as ParkedStep, failureMessage: outcome.message });
    return { events: [], parked: outcome.message };
  } else events = "retry";
  if (events === "retry") {
    const { message } = outcome as { message: string };
    const delayMs = backoffMs(current.attempts, { base: 500, max: current.status === "authorizing" ? 30_000 : 60_000 });
    await retryLater(tx, current.orderId, { delayMs, error: message });
    log.warn({ orderId: current.orderId, step: current.status, attempt: current.attempts, retryInMs: delayMs, error: message }, "payment provider failed; will retry with the same idempotency key");
    return { events: [] };
  }
  return { events };
}
