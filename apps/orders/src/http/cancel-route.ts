import { Hono } from "hono";
import { z } from "zod";
import { transaction, type Sql } from "@checkout/db";
import { ConflictError, currentUser, param, type AppEnv } from "@checkout/http";
import { writeOutbox, childTraceparent } from "@checkout/messaging";
import { lockOrder } from "../db/saga.ts";
import { canCancel } from "../domain/decide.ts";
import { applyFact } from "../apply-fact.ts";
import { OrderNotFound } from "./errors.ts";
import { owns } from "./ownership.ts";

/**
 * POST /orders/:orderId/cancel: the shopper cancels before the order is handed to the carrier. The
 * OrderCancelled fact starts the same compensations as any other cancellation (void or refund, release
 * or restock, shipment cancelled). Asking again answers with the cancellation under way. Only the
 * shopper who placed the order may cancel it; to anyone else it does not exist (404), nothing is written.
 */
export function cancelRoute({ sql }: { sql: Sql }) {
  return new Hono<AppEnv>().post("/orders/:orderId/cancel", async (c) => {
    const orderId = param(c, "orderId", z.uuid());
    const user = currentUser(c);
    const outcome = await transaction(sql, async (tx) => {
      const order = await lockOrder(tx, orderId);
      if (!order || !owns(user, order.userId)) throw new OrderNotFound(orderId);
      if (order.cancelReason !== null) return { status: order.status, cancelReason: order.cancelReason, accepted: false };
      if (!canCancel(order)) {
        throw new ConflictError("order_handed_over", `order ${orderId} is ${order.status} and has been handed to the carrier; it can no longer be cancelled`);
      }
      const events = await applyFact(tx, order, { type: "CancelRequested" });
      await writeOutbox(tx, events, { traceparent: childTraceparent(c.req.header("traceparent")) });
      const [now] = await tx<Array<{ status: string; cancel_reason: string }>>`SELECT status, cancel_reason FROM orders WHERE id = ${orderId}`;
      return { status: now!.status, cancelReason: now!.cancel_reason, accepted: true };
    });
    return c.json({ orderId, ...outcome, statusUrl: `/api/orders/${orderId}` }, outcome.accepted ? 202 : 200);
  });
}
