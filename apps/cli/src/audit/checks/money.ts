import { formatMoney } from "../../format/money.ts";
import { plural, result, type CheckResult } from "../check.ts";
import { inFlight, type AuditOrder, type Intent, type PaymentRow } from "../model.ts";

/** Money an intent still takes from the shopper: an authorization not voided, or a capture not refunded. */
export function heldMoney(intent: Intent): number {
  if (intent.status === "requires_capture") return intent.amount;
  return Math.max(0, intent.amountCaptured - intent.amountRefunded);
}

const money = (amount: number, currency: string) => formatMoney(amount, currency.toUpperCase());
const describe = (intent: Intent) =>
  `${intent.id} ${intent.status} (captured ${money(intent.amountCaptured, intent.currency)}, refunded ${money(intent.amountRefunded, intent.currency)})`;

/**
 * 4. Money, from the provider's PaymentIntents: no order has more than one; a COMPLETED order has one,
 * captured exactly its total once and nothing refunded; a CANCELLED order holds no money (every intent
 * voided, declined, or captured and fully refunded); no intent of an unknown order holds money; and
 * payments has no step parked for an operator. Orders in flight are left out (except the one-intent rule).
 */
export function checkMoney(intents: Intent[], orders: AuditOrder[], payments: PaymentRow[], settleSeconds: number): CheckResult {
  const violations: string[] = [];
  const byOrder = new Map<string, Intent[]>();
  for (const intent of intents) {
    if (intent.orderId === null) {
      if (heldMoney(intent) > 0) violations.push(`PaymentIntent ${describe(intent)} has no order_id and holds ${money(heldMoney(intent), intent.currency)}`);
      continue;
    }
    byOrder.set(intent.orderId, [...(byOrder.get(intent.orderId) ?? []), intent]);
  }
  const orderById = new Map(orders.map((order) => [order.id, order]));

  for (const [orderId, list] of byOrder) {
    if (list.length > 1) violations.push(`order ${orderId} has ${list.length} PaymentIntents (${list.map((i) => i.id).join(", ")}): created more than once`);
    if (!orderById.has(orderId)) {
      for (const intent of list) if (heldMoney(intent) > 0) violations.push(`PaymentIntent ${describe(intent)} of order ${orderId}, which orders does not know, holds money`);
    }
  }

  for (const order of orders) {
    if (inFlight(order, settleSeconds)) continue;
    const list = byOrder.get(order.id) ?? [];
    if (order.status === "COMPLETED") {
      const [intent] = list;
      if (!intent) {
        violations.push(`order ${order.id} is COMPLETED but has no PaymentIntent`);
        continue;
      }
      const total = money(order.total, order.currency);
      if (list.length === 1 && intent.status !== "succeeded") violations.push(`order ${order.id} is COMPLETED but its PaymentIntent ${describe(intent)} is not captured`);
      else if (list.length === 1 && intent.amountCaptured !== order.total) violations.push(`order ${order.id} is COMPLETED for ${total} but ${money(intent.amountCaptured, intent.currency)} was captured (${intent.id})`);
      if (intent.currency.toUpperCase() !== order.currency.toUpperCase()) violations.push(`order ${order.id} is priced in ${order.currency} but ${intent.id} is in ${intent.currency.toUpperCase()}`);
      for (const one of list) if (one.amountRefunded > 0) violations.push(`order ${order.id} is COMPLETED but ${money(one.amountRefunded, one.currency)} was refunded (${one.id})`);
    } else if (order.status === "CANCELLED") {
      for (const intent of list) {
        const held = heldMoney(intent);
        if (held > 0) violations.push(`order ${order.id} is CANCELLED but still holds ${money(held, intent.currency)}: ${describe(intent)}`);
      }
    }
  }

  for (const payment of payments) {
    if (payment.status === "parked") violations.push(`payment of order ${payment.orderId} is parked for an operator: ${payment.failureMessage ?? "(no reason recorded)"}`);
  }

  return result(
    4,
    "money",
    "COMPLETED captured once for its total; CANCELLED holds no money; one PaymentIntent per order",
    `${plural(intents.length, "PaymentIntent")}, ${plural(payments.length, "payment")}`,
    violations,
  );
}
