// In-memory state of one simulator: the Stripe objects plus request counters. Maps keep insertion
// order, which is creation order, so listings are deterministic.
import type { FaultKind } from "./faults.ts";
import type { Charge, PaymentIntent, Refund } from "./objects.ts";
import { randomId } from "./random.ts";
import type { Random } from "./random.ts";

export interface SimCounters {
  requests: number;
  idempotentReplays: number;
  idempotencyConflicts: number;
  faults: Record<FaultKind, number>;
}

export interface SimStore {
  readonly paymentIntents: Map<string, PaymentIntent>;
  readonly charges: Map<string, Charge>;
  readonly refunds: Map<string, Refund>;
  readonly counters: SimCounters;
  newId(prefix: string): string;
  /** Random alphanumerics (client secrets, request ids). */
  token(length?: number): string;
  /** Unix seconds, for `created`. */
  nowSeconds(): number;
  refundsOf(paymentIntentId: string): Refund[];
  reset(): void;
}

function emptyCounters(): SimCounters {
  return {
    requests: 0,
    idempotentReplays: 0,
    idempotencyConflicts: 0,
    faults: { outage: 0, timeout: 0, rate_limit: 0, failure: 0, fail_after_commit: 0 },
  };
}

export function createStore({ random, now }: { random: Random; now: () => number }): SimStore {
  const paymentIntents = new Map<string, PaymentIntent>();
  const charges = new Map<string, Charge>();
  const refunds = new Map<string, Refund>();
  const counters = emptyCounters();

  return {
    paymentIntents,
    charges,
    refunds,
    counters,
    newId: function newId(prefix) {
      return randomId(random, prefix);
    },
    token: function token(length = 24) {
      return randomId(random, "", length).slice(1);
    },
    nowSeconds: function nowSeconds() {
      return Math.floor(now() / 1000);
    },
    refundsOf: function refundsOf(paymentIntentId) {
      return [...refunds.values()].filter((refund) => refund.payment_intent === paymentIntentId);
    },
    reset: function reset() {
      paymentIntents.clear();
      charges.clear();
      refunds.clear();
      Object.assign(counters, emptyCounters());
    },
  };
}
