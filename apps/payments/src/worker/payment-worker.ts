import type Stripe from "stripe";
import type { JetStreamClient } from "@nats-io/jetstream";
import { withConnection, type Limits, type Sql } from "@checkout/db";
import type { Logger } from "@checkout/log";
import type { Metrics } from "@checkout/http";
import { backoffMs, createAlarm } from "@checkout/messaging";
import { claimDue, WORK_CHANNEL, type Payment } from "../db/payments.ts";
import type { ProviderOutcome } from "../domain/provider-outcome.ts";
import { authorize } from "../stripe/authorize.ts";
import { capture, refund, voidAuthorization, type StepOutcome } from "../stripe/steps.ts";
import { createCircuitBreaker, type CircuitBreaker } from "./circuit-breaker.ts";
import { createRecorder } from "./recorder.ts";
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
  onOutboxWritten = () => {},
  claimLimits,
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
  /** after a commit that wrote events: wakes this process's relay */
  onOutboxWritten?: () => void;
  /** the claim's wait for a connection and its deadline (withConnection's 30 s and 60 s by default) */
  claimLimits?: Limits;
}) {
  const calls = metrics?.counter("payment_provider_calls_total", "calls to the payment provider, by step and outcome", ["step", "outcome"]);
  const breakerOpen = metrics?.counter("payment_breaker_skips_total", "provider calls not made because the circuit breaker was open");
  let stopped = false;
  // woken by a NOTIFY, or by a call that finished while every slot was taken
  const alarm = createAlarm();
  const listener = await sql.listen(WORK_CHANNEL, alarm.wake);

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

  const recorder = createRecorder({
    sql,
    log,
    now,
    async onRecorded(wroteEvents, parked) {
      if (wroteEvents) onOutboxWritten();
      for (const { claimed, reason } of parked) await parkStep(js, log, claimed, reason);
    },
  });

  async function attempt(claimed: Payment) {
    const wasOpen = breaker.isOpen();
    const outcome = await call(claimed);
    if (!wasOpen) {
      calls?.inc({ step: claimed.status, outcome: outcome.kind });
      if (outcome.kind === "transient") breaker.failure();
      else breaker.success();
    }
    await recorder.record(claimed, outcome).catch((error: unknown) => {
      // the lease runs out and the call is made again, with the same idempotency key
      log.error({ err: error, orderId: claimed.orderId, step: claimed.status }, "payment worker: could not record the provider's answer; will try again when the lease runs out");
    });
  }

  // Claims due payments whenever there is room: up to `batchSize` calls in flight (one while the breaker
  // is open), each recorded as soon as it returns, without waiting for the others of its round.
  const inFlight = new Set<Promise<void>>();
  let full = false; // every slot taken when the loop last went to sleep: a finished call wakes it
  const loop = (async function work() {
    let failures = 0;
    while (!stopped) {
      const room = (breaker.isOpen() ? 1 : batchSize) - inFlight.size;
      if (room > 0) {
        try {
          // on a connection of its own, under the pool wait and deadline every transaction has: a plain
          // pool query has neither, and a claim that never settled would stop this loop for good
          const due = await withConnection(sql, (db) => claimDue(db, { limit: room, leaseMs }), claimLimits);
          failures = 0;
          for (const payment of due) {
            const task = attempt(payment).finally(() => {
              inFlight.delete(task);
              if (full) alarm.wake(); // room again
            });
            inFlight.add(task);
          }
          if (due.length === room && due.length > 0) continue; // more may be due
        } catch (error) {
          failures += 1;
          log.error({ err: error }, "payment worker: database error");
          await new Promise((resolve) => setTimeout(resolve, backoffMs(failures, { base: 200, max: 5_000 })));
          continue;
        }
      }
      full = inFlight.size >= (breaker.isOpen() ? 1 : batchSize);
      if (!stopped) await alarm.sleep(pollMs);
    }
    await Promise.all(inFlight);
  })();

  return {
    breaker,
    async stop() {
      stopped = true;
      alarm.wake();
      await loop;
      await listener.unlisten().catch(() => {});
    },
  };
}
