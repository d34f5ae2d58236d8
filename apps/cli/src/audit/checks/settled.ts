import { formatDuration } from "../../format/duration.ts";
import { plural, result, type CheckResult } from "../check.ts";
import { isTerminal, type AuditOrder } from "../model.ts";

/** 1. Every accepted order is COMPLETED or CANCELLED once quiet: none is in flight longer than the settle window. */
export function checkSettled(orders: AuditOrder[], settleSeconds: number): CheckResult {
  const open = orders.filter((order) => !isTerminal(order.status));
  const late = open.filter((order) => order.ageSeconds >= settleSeconds).sort((a, b) => b.ageSeconds - a.ageSeconds);
  const young = open.length - late.length;
  return result(
    1,
    "settled",
    `every order is COMPLETED or CANCELLED within ${settleSeconds}s`,
    plural(orders.length, "order"),
    late.map((order) => `order ${order.id} is still ${order.status}, placed ${formatDuration(order.ageSeconds * 1000)} ago`),
    young > 0 ? [`${plural(young, "order")} placed less than ${settleSeconds}s ago still in flight`] : [],
  );
}
