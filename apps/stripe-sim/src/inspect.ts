// Read-only views over the store for audits and tests (served under /_sim).
import type { PaymentIntent, PaymentIntentStatus, Refund } from "./objects.ts";
import type { SimStore } from "./store.ts";

export interface AuditedPaymentIntent extends PaymentIntent {
  amount_captured: number;
  amount_refunded: number;
  refunds: Refund[];
}

function countByStatus(intents: PaymentIntent[]): Partial<Record<PaymentIntentStatus, number>> {
  const counts: Partial<Record<PaymentIntentStatus, number>> = {};
  for (const intent of intents) counts[intent.status] = (counts[intent.status] ?? 0) + 1;
  return counts;
}

/** All intents in creation order (optionally those with metadata.order_id), with money totals. */
export function auditPaymentIntents(store: SimStore, { orderId }: { orderId?: string | undefined } = {}) {
  const intents = [...store.paymentIntents.values()].filter((intent) => orderId === undefined || intent.metadata.order_id === orderId);
  const data: AuditedPaymentIntent[] = intents.map((intent) => {
    const refunds = store.refundsOf(intent.id);
    const charge = intent.latest_charge === null ? undefined : store.charges.get(intent.latest_charge);
    return {
      ...intent,
      amount_captured: charge?.captured ? charge.amount_captured : 0,
      amount_refunded: refunds.reduce((sum, refund) => sum + refund.amount, 0),
      refunds,
    };
  });
  return {
    object: "list" as const,
    data,
    totals: {
      count: data.length,
      by_status: countByStatus(intents),
      amount_captured: data.reduce((sum, intent) => sum + intent.amount_captured, 0),
      amount_refunded: data.reduce((sum, intent) => sum + intent.amount_refunded, 0),
    },
  };
}

export function simStats(store: SimStore) {
  const { requests, idempotentReplays, idempotencyConflicts, faults } = store.counters;
  const refunds = [...store.refunds.values()];
  return {
    payment_intents: { total: store.paymentIntents.size, by_status: countByStatus([...store.paymentIntents.values()]) },
    refunds: { total: refunds.length, amount: refunds.reduce((sum, refund) => sum + refund.amount, 0) },
    requests,
    idempotent_replays: idempotentReplays,
    idempotency_conflicts: idempotencyConflicts,
    faults: { ...faults, total: Object.values(faults).reduce((sum, count) => sum + count, 0) },
  };
}
