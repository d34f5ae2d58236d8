import type Stripe from "stripe";
import type { JetStreamClient } from "@nats-io/jetstream";
import type { Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import type { Metrics } from "@checkout/http";
import { backoffMs, writeOutbox } from "@checkout/messaging";
import { claimDue, lockPayment, retryLater, settle, WORK_CHANNEL, type ParkedStep, type Payment } from "../db/payments.ts";
import type { ProviderOutcome } from "../domain/provider-outcome.ts";
import { authorize } from "../stripe/authorize.ts";
import { capture, refund, voidAuthorization, type StepOutcome } from "../stripe/steps.ts";
import { createCircuitBreaker, type CircuitBreaker } from "./circuit-breaker.ts";
import { recordAuthorization } from "./record-authorization.ts";
import { recordStep } from "./record-step.ts";
import { parkStep } from "./park.ts";

const STEPS = { capturing: capture, voiding: voidAuthorization, refunding: refund } as const;
type Outcome = ProviderOutcome | StepOutcome;

/**
 * Calls the provider for due payments (authorize, capture, void, refund), outside any handler
 * transaction, then records the result and its event in one transaction. Rows are leased, so a worker
 * that dies mid-call is replaced when the lease runs out, and the retry carries the same idempotency key
 * `<orderId>:<step>`. Authorization retries until the reservation deadline; compensations retry until
 * they succeed, or are parked (status and DLQ) when the provider refuses them for good.
 */
export async function startPaymentWorker({
  sql,
  stripe,
  js,
  log,
  batchSize = 32,
  pollMs = 500,
  leaseMs = 30_000,
  now = () => new Date(),
  breaker = createCircuitBreaker(),
  metrics,
}: {
  sql: Sql;
  stripe: Stripe;
  js: JetStreamClient;
  log: Logger;
  batchSize?: number;
  pollMs?: number;
  leaseMs?: number;
  now?: () => Date;
  breaker?: CircuitBreaker;
  metrics?: Metrics;
}) {
  const calls = metrics?.counter("payment_provider_calls_total", "calls to the payment provider, by step and outcome", ["step", "outcome"]);
  const breakerOpen = metrics?.counter("payment_breaker_skips_total", "provider calls not made because the circuit breaker was open");
  let stopped = false;
  let wake = () => {};
  const listener = await sql.listen(WORK_CHANNEL, () => wake());

  async function call(payment: Payment): Promise<Outcome> {
    if (breaker.isOpen()) {
      breakerOpen?.inc();
      return { kind: "transient", message: "circuit breaker open: the provider keeps failing" };
    }
    if (payment.status === "authorizing") {
      const neverCalled = payment.attempts <= 1 && payment.paymentIntentId === null;
      if (neverCalled && payment.reservationExpiresAt && now() >= payment.reservationExpiresAt) {
        return { kind: "transient", message: "the reservation deadline passed before the provider was called" };
      }
      return authorize(stripe, { orderId: payment.orderId, amount: payment.amount!, currency: payment.currency!, paymentMethod: payment.paymentMethod!, paymentIntentId: payment.paymentIntentId });
    }
    return STEPS[payment.status as keyof typeof STEPS](stripe, { orderId: payment.orderId, paymentIntentId: payment.paymentIntentId! });
  }

  async function attempt(claimed: Payment) {
    const wasOpen = breaker.isOpen();
    const outcome = await call(claimed);
    if (!wasOpen) {
      calls?.inc({ step: claimed.status, outcome: outcome.kind });
      if (outcome.kind === "transient") breaker.failure();
      else breaker.success();
    }
    let parked: string | undefined;
    await sql.begin(async (tx) => {
      const payment = await lockPayment(tx, claimed.orderId);
      if (!payment || payment.status !== claimed.status) {
        if (outcome.kind === "authorized") await settle(tx, claimed.orderId, { status: payment?.status ?? "cancelled", paymentIntentId: outcome.paymentIntentId });
        return;
      }
      const current = { ...payment, attempts: claimed.attempts };
      let events;
      if (current.status === "authorizing") events = await recordAuthorization(tx, current, outcome as ProviderOutcome, now());
      else if (outcome.kind === "done") events = await recordStep(tx, current, outcome);
      else if (outcome.kind === "rejected") {
        await settle(tx, current.orderId, { status: "parked", parkedStep: current.status as ParkedStep, failureMessage: outcome.message });
        parked = outcome.message;
        return;
      } else events = "retry" as const;
      if (events === "retry") {
        const delayMs = backoffMs(current.attempts, { base: 500, max: current.status === "authorizing" ? 30_000 : 60_000 });
        await retryLater(tx, current.orderId, { delayMs, error: (outcome as { message: string }).message });
        log.warn({ orderId: current.orderId, step: current.status, attempt: current.attempts, retryInMs: delayMs, error: (outcome as { message: string }).message }, "payment provider failed; will retry with the same idempotency key");
        return;
      }
      await writeOutbox(tx, events);
    });
    if (parked) await parkStep(js, log, claimed, parked);
  }

  const loop = (async function work() {
    let failures = 0;
    while (!stopped) {
      try {
        const due = await claimDue(sql, { limit: breaker.isOpen() ? 1 : batchSize, leaseMs });
        await Promise.all(due.map((payment) => attempt(payment)));
        failures = 0;
        if (due.length > 0) continue;
      } catch (error) {
        failures += 1;
        log.error({ err: error }, "payment worker: database error");
        await new Promise((resolve) => setTimeout(resolve, backoffMs(failures, { base: 200, max: 5_000 })));
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, pollMs);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  })();

  return {
    breaker,
    async stop() {
      stopped = true;
      wake();
      await loop;
      await listener.unlisten().catch(() => {});
    },
  };
}
